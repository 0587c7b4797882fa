import { openDatabase } from '../../db/database.ts';
import { existsSync } from 'node:fs';
import { backupDatabase, listBackups, restoreBackup } from '../../db/backup.ts';
import { badInput } from '../../shared/errors.ts';
import { parseFlags, printJson, requireFlag, UsageError, type Command } from '../command.ts';

const usage = 'concord backup list|create|restore <name> --db <file> [--json]';

export default {
  name: 'backup',
  summary: 'List, take or restore backups of a project (one is taken before every pack import and every restore).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { db: { type: 'string' }, json: { type: 'boolean' } }, true);
    const [sub, name, ...extra] = positionals;
    const file = requireFlag(values.db, '--db');
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (!existsSync(file)) throw badInput(`${file}: no such project file`);
    if (sub === 'list') {
      if (name) throw new UsageError(`unexpected argument "${name}"`);
      const backups = listBackups(file);
      if (values.json) printJson(io, { backups });
      else io.stdout(backups.length ? `${backups.map((b) => `${b.name}  ${b.time}  ${b.reason}  ${b.size} bytes`).join('\n')}\n` : 'no backups yet\n');
      return 0;
    }
    if (sub === 'create') {
      if (name) throw new UsageError(`unexpected argument "${name}"`);
      const db = openDatabase(file);
      try {
        const b = backupDatabase(db, 'manual');
        if (values.json) printJson(io, b);
        else io.stdout(`backup taken: ${b.name}\n`);
        return 0;
      } finally {
        db.close();
      }
    }
    if (sub === 'restore') {
      if (!name) throw new UsageError('restore needs the name of a backup (see concord backup list)');
      const r = await restoreBackup(file, name);
      if (values.json) printJson(io, r);
      else io.stdout(`restored ${r.restored.name}${r.safety ? `; the database as it was is kept as ${r.safety.name}` : ''}\n`);
      return 0;
    }
    throw new UsageError(sub ? `unknown backup command "${sub}"` : 'backup needs a command: list, create or restore');
  },
} satisfies Command;
