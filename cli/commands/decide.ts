import { existsSync } from 'node:fs';
import { acceptMajorities, adjudicationSummary, undoDecision } from '../../db/adjudication.ts';
import { openDatabase } from '../../db/database.ts';
import { ConcordError } from '../../shared/errors.ts';
import { parseFlags, printJson, UsageError, type Command } from '../command.ts';

const usage = 'concord decide --db <file> (--accept-majorities [--dimension <id>] | --undo | --status) [--by <name>] [--drafts] [--json]';

const options = {
  db: { type: 'string' },
  'accept-majorities': { type: 'boolean' },
  undo: { type: 'boolean' },
  status: { type: 'boolean' },
  dimension: { type: 'string' },
  by: { type: 'string' },
  drafts: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export default {
  name: 'decide',
  summary: 'Bulk adjudication: accept every majority proposal as the decision, undo the last decision, or show what is still open.',
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv, options);
    const actions = (['accept-majorities', 'undo', 'status'] as const).filter((a) => values[a]);
    if (actions.length !== 1) throw new UsageError('choose one of --accept-majorities, --undo, --status');
    if (!values.db) throw new UsageError('missing --db');
    if (!existsSync(values.db)) throw new ConcordError('bad-input', `${values.db}: no such project file`);
    const db = openDatabase(values.db);
    try {
      const decidedBy = values.by ?? 'cli';
      switch (actions[0]) {
        case 'accept-majorities': {
          const r = acceptMajorities(db, { decidedBy, dimension: values.dimension, includeDrafts: values.drafts });
          if (values.json) printJson(io, r);
          else io.stdout(`accepted ${r.accepted} majority proposal${r.accepted === 1 ? '' : 's'} as decisions (by ${decidedBy})\n`);
          return 0;
        }
        case 'undo': {
          const r = undoDecision(db, values.by ? { actor: values.by } : {});
          if (values.json) printJson(io, r ?? { restored: [] });
          else io.stdout(r ? `undid ${r.restored.length} decision${r.restored.length === 1 ? '' : 's'}\n` : 'nothing to undo\n');
          return 0;
        }
        case 'status': {
          const s = adjudicationSummary(db, { includeDrafts: values.drafts });
          if (values.json) printJson(io, s);
          else {
            const cols = ['agreed', 'majority', 'needs-decision', 'decided', 'single', 'unlabelled'] as const;
            const w = Math.max(9, ...s.dimensions.map((d) => d.dimension.length));
            const lines = [`${'dimension'.padEnd(w)}  ${cols.map((c) => c.padStart(14)).join('')}`];
            for (const d of s.dimensions) lines.push(`${d.dimension.padEnd(w)}  ${cols.map((c) => String(d.counts[c]).padStart(14)).join('')}`);
            lines.push('', `${s.openEntries} entries with open disagreements`, '');
            io.stdout(lines.join('\n'));
          }
          return 0;
        }
      }
    } finally {
      db.close();
    }
  },
} satisfies Command;
