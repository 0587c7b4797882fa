import { existsSync } from 'node:fs';
import { listBackups, restoreBackup } from '../../db/backup.ts';
import type { Service } from '../../db/service.ts';
import type { Caller } from '../../shared/door.ts';
import { badInput, formatError } from '../../shared/errors.ts';
import { parseFlags, printJson, requireFlag, UsageError, type CliIO, type Command } from '../command.ts';
import { AS_HELP, asOption, callerOf, withService } from '../project.ts';

const usage = 'concord backup list|create|restore <name> --db <file> [--as <name>] [--json]';

/**
 * Runs a backup command through the service. A project file too damaged to open has no service,
 * and a backup is what its owner needs then: listing and restoring fall back to the files
 * themselves, for the file owner only (someone named with --as must be checked, which needs the file).
 */
async function throughService<T>(file: string, caller: Caller, io: CliIO, viaService: (s: Service) => T | Promise<T>, viaFiles?: () => T | Promise<T>): Promise<T> {
  let opened = false;
  try {
    return await withService(file, (s) => {
      opened = true;
      return viaService(s);
    });
  } catch (e) {
    if (opened || !viaFiles || caller.kind !== 'file-owner') throw e;
    io.stderr(`concord: cannot open ${file} (${formatError(e as Error)}); working on its backups as the file's owner\n`);
    return viaFiles();
  }
}

export default {
  name: 'backup',
  usage,
  help: `${AS_HELP} Backups are the lead's: a project file too damaged to open can still be listed and restored by its owner. Every backup is checked after it is written; the list marks one that is empty, cut short or not a database as DAMAGED, and such a backup is never restored.`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { db: { type: 'string' }, json: { type: 'boolean' }, ...asOption }, true);
    const [sub, name, ...extra] = positionals;
    const file = requireFlag(values.db, '--db');
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const caller = callerOf(values.as);
    if (sub !== 'list' && sub !== 'create' && sub !== 'restore')
      throw new UsageError(sub ? `unknown backup command "${sub}"` : 'backup needs a command: list, create or restore');
    if (sub !== 'restore' && name) throw new UsageError(`unexpected argument "${name}"`);
    if (sub === 'restore' && !name) throw new UsageError('restore needs the name of a backup (see concord backup list)');
    if (!existsSync(file)) throw badInput(`${file}: no such project file`);
    if (sub === 'list') {
      const backups = await throughService(file, caller, io, (s) => s.call('backups.list', {}, caller), () => listBackups(file));
      if (values.json) printJson(io, { backups });
      else
        io.stdout(
          backups.length
            ? `${backups.map((b) => `${b.name}  ${b.time}  ${b.reason}  ${b.size} bytes  ${b.status === 'ok' ? 'ok' : `DAMAGED: ${b.problem ?? 'cannot be restored'}`}`).join('\n')}\n`
            : 'no backups yet\n',
        );
      return 0;
    }
    if (sub === 'create') {
      const b = await throughService(file, caller, io, (s) => s.call('backups.create', {}, caller));
      if (values.json) printJson(io, b);
      else io.stdout(`backup taken: ${b.name}\n`);
      return 0;
    }
    const r = await throughService(
      file,
      caller,
      io,
      (s) => s.call('backups.restore', { name: name! }, caller),
      () => restoreBackup(file, name!),
    );
    if (values.json) printJson(io, r);
    else io.stdout(`restored ${r.restored.name}${r.safety ? `; the database as it was is kept as ${r.safety.name}` : ''}\n`);
    return 0;
  },
} satisfies Command;
