import { existsSync } from 'node:fs';
import { ConcordError } from '../../shared/errors.ts';
import { parseFlags, printJson, requireFlag, type Command } from '../command.ts';
import { AS_HELP, asOption, callerOf, withService } from '../project.ts';

const usage = 'concord info --db <file> [--as <name>] [--json]';

export default {
  name: 'info',
  usage,
  help: AS_HELP,
  async run(argv, io) {
    const { values } = parseFlags(argv, { db: { type: 'string' }, json: { type: 'boolean' }, ...asOption });
    const file = requireFlag(values.db, '--db');
    const caller = callerOf(values.as);
    if (!existsSync(file)) throw new ConcordError('bad-input', `${file}: no such project file`);
    return withService(file, (service) => {
      const info = service.call('project.info', {}, caller);
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
    });
  },
} satisfies Command;
