import { existsSync } from 'node:fs';
import { acceptMajorities, adjudicationSummary, undoDecision, type AdjudicationSummary } from '../../db/adjudication.ts';
import { raterRule } from '../../db/assignments.ts';
import { openDatabase } from '../../db/database.ts';
import { ConcordError } from '../../shared/errors.ts';
import { parseFlags, printJson, UsageError, type Command } from '../command.ts';
import { textTable, wrapText } from '../text-table.ts';

const usage = 'concord decide --db <file> (--accept-majorities [--dimension <id>] | --undo | --status) [--by <name>] [--drafts] [--json]';

/** Where each dimension stands, as a table with the statuses explained once, under it. */
function statusTable(s: AdjudicationSummary, byAssignment: boolean): string {
  const cols = ['agreed', 'majority', 'needs-decision', 'decided', 'stale', 'single', 'unlabelled'] as const;
  const table = textTable(
    [{ header: 'dimension' }, ...cols.map((c) => ({ header: c, align: 'right' as const }))],
    s.dimensions.map((d) => [d.dimension, ...cols.map((c) => String(c === 'stale' ? d.stale : d.counts[c]))]),
    { indent: 0 },
  );
  const legend =
    'Entries per dimension. agreed: every counted label the same; majority: a proposal most labels back; ' +
    'needs-decision: no majority; decided: a decision is recorded (stale: of those, labels changed since); ' +
    'single: one label only; unlabelled: none.' +
    (byAssignment ? ' Only the annotators assigned to an entry count on it.' : '');
  return `${table}\n${s.openEntries} ${s.openEntries === 1 ? 'entry' : 'entries'} with open disagreements or stale decisions\n\n${wrapText(legend, 100, '').join('\n')}\n`;
}

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
          else io.stdout(statusTable(s, raterRule(db).byAssignment));
          return 0;
        }
      }
    } finally {
      db.close();
    }
  },
} satisfies Command;
