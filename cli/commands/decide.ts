import { existsSync } from 'node:fs';
import type { AdjudicationSummary } from '../../shared/consensus/results.ts';
import { FILE_OWNER_ACTOR } from '../../shared/door.ts';
import { ConcordError } from '../../shared/errors.ts';
import { parseFlags, printJson, UsageError, type Command } from '../command.ts';
import { AS_HELP, asOption, callerOf, withService } from '../project.ts';
import { textTable, wrapText } from '../text-table.ts';

const usage = 'concord decide --db <file> (--accept-majorities [--dimension <id>] | --undo | --status) [--as <name>] [--by <name>] [--drafts] [--json]';

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
  ...asOption,
} as const;

export default {
  name: 'decide',
  usage,
  help: `${AS_HELP} --by <name> is the name a decision records (by default the --as name, else "${FILE_OWNER_ACTOR}"); with --undo, only that person's decisions are undone.`,
  async run(argv, io) {
    const { values } = parseFlags(argv, options);
    const actions = (['accept-majorities', 'undo', 'status'] as const).filter((a) => values[a]);
    if (actions.length !== 1) throw new UsageError('choose one of --accept-majorities, --undo, --status');
    if (!values.db) throw new UsageError('missing --db');
    const caller = callerOf(values.as);
    if (!existsSync(values.db)) throw new ConcordError('bad-input', `${values.db}: no such project file`);
    return withService(values.db, (service) => {
      const by = values.by ?? values.as;
      const decidedBy = by ?? FILE_OWNER_ACTOR;
      switch (actions[0]) {
        case 'accept-majorities': {
          const r = service.call('adjudication.acceptMajorities', { decidedBy, dimension: values.dimension, includeDrafts: values.drafts }, caller);
          if (values.json) printJson(io, r);
          else io.stdout(`accepted ${r.accepted} majority proposal${r.accepted === 1 ? '' : 's'} as decisions (by ${decidedBy})\n`);
          return 0;
        }
        case 'undo': {
          const r = service.call('adjudication.undo', by ? { actor: by } : {}, caller);
          if (values.json) printJson(io, r ?? { restored: [] });
          else io.stdout(r ? `undid ${r.restored.length} decision${r.restored.length === 1 ? '' : 's'}\n` : 'nothing to undo\n');
          return 0;
        }
        case 'status': {
          const s = service.call('adjudication.summary', { includeDrafts: values.drafts }, caller);
          if (values.json) printJson(io, s);
          else {
            // Once the project assigns entries, only an entry's assignees count on it.
            const byAssignment = service.call('assignments.progress', {}, caller).some((p) => p.assigned > 0);
            io.stdout(statusTable(s, byAssignment));
          }
          return 0;
        }
      }
    });
  },
} satisfies Command;
