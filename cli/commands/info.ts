import { existsSync } from 'node:fs';
import { openDatabase } from '../../db/database.ts';
import { createService } from '../../db/service.ts';
import { ConcordError } from '../../shared/errors.ts';
import { parseFlags, printJson, requireFlag, type Command } from '../command.ts';

const usage = 'concord info --db <file> [--json]';

export default {
  name: 'info',
  summary: 'Counts of a project: entries, failing entries, annotators, labels, decisions, and its codebook.',
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv, { db: { type: 'string' }, json: { type: 'boolean' } });
    const file = requireFlag(values.db, '--db');
    if (!existsSync(file)) throw new ConcordError('bad-input', `${file}: no such project file`);
    const service = createService(openDatabase(file));
    try {
      const info = service['project.info']({});
      if (values.json) printJson(io, info);
      else {
        const c = info.counts;
        io.stdout(
          [
            `project     ${info.name}`,
            `codebook    ${info.codebook.name} (${info.codebook.id} ${info.codebook.version})`,
            `entries     ${c.entries} (${c.failingEntries} failing)`,
            `annotators  ${c.annotators}`,
            `labels      ${c.labels}`,
            `decisions   ${c.decisions}`,
            '',
          ].join('\n'),
        );
      }
      return 0;
    } finally {
      service.close();
    }
  },
} satisfies Command;
