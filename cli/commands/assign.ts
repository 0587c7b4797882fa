import { existsSync } from 'node:fs';
import { badInput } from '../../shared/errors.ts';
import type { AnnotatorProgress } from '../../shared/types.ts';
import { intFlag, parseFlags, printJson, requireFlag, UsageError, type Command } from '../command.ts';
import { AS_HELP, asOption, callerOf, withService } from '../project.ts';

const usage =
  'concord assign --db <file> [--per-entry 3] [--annotators a,b,c] [--progress] [--as <name>] [--json]\n' +
  '       concord assign --db <file> --entry <id> [--entry <id>...] --annotators a,b [--as <name>]   (by hand: exactly these annotators)';

export function formatProgress(rows: AnnotatorProgress[]): string {
  const w = Math.max(9, ...rows.map((r) => r.annotator.length));
  const head = `${'annotator'.padEnd(w)}  assigned  submitted  draft  todo`;
  return [head, ...rows.map((r) => `${r.annotator.padEnd(w)}  ${String(r.assigned || 'all').padStart(8)}  ${String(r.submitted).padStart(9)}  ${String(r.draft).padStart(5)}  ${String(r.todo).padStart(4)}`)].join('\n');
}

export default {
  name: 'assign',
  usage,
  help: AS_HELP,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      db: { type: 'string' },
      'per-entry': { type: 'string' },
      annotators: { type: 'string' },
      // Repeated rather than comma-joined: Deep-Bench ids contain commas.
      entry: { type: 'string', multiple: true },
      progress: { type: 'boolean' },
      json: { type: 'boolean' },
      ...asOption,
    });
    const file = requireFlag(values.db, '--db');
    const perEntry = intFlag(values['per-entry'], '--per-entry', 3);
    if (perEntry < 1) throw new UsageError('--per-entry takes a whole number from 1');
    const annotators = values.annotators?.split(',').map((s) => s.trim());
    const caller = callerOf(values.as);
    if (!existsSync(file)) throw badInput(`${file}: no such project file`);
    return withService(file, (service) => {
      if (values.progress) {
        const progress = service.call('assignments.progress', {}, caller);
        if (values.json) printJson(io, { progress });
        else io.stdout(`${formatProgress(progress)}\n`);
        return 0;
      }
      if (values.entry?.length) {
        if (!annotators) throw new UsageError('--entry needs --annotators (who labels these entries)');
        const set = service.call('assignments.set', { entryIds: values.entry, annotators }, caller);
        if (values.json) printJson(io, { assignments: set });
        else io.stdout(set.map((a) => `${a.entryId}: ${a.annotators.join(', ')}`).join('\n') + '\n');
        return 0;
      }
      const r = service.call('assignments.auto', { perEntry, annotators }, caller);
      if (values.json) printJson(io, r);
      else
        io.stdout(
          `${r.added} assignments added (${r.perEntry} per entry among ${r.annotators.join(', ')}; ${r.entriesAlreadyCovered} entries already covered)` +
            (r.annotatorsCreated.length ? `; new annotators: ${r.annotatorsCreated.join(', ')}` : '') +
            `\n${formatProgress(r.progress)}\n`,
        );
      return 0;
    });
  },
} satisfies Command;
