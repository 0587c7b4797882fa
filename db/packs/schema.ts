import { ConcordError } from '../../shared/errors.ts';
import { openDatabase, type Db, type OpenOptions } from '../database.ts';
import packsMigration from '../migrations/002-packs.ts';
import { migrations as builtInMigrations } from '../migrations/index.ts';

type Migration = { version: number; name: string; sql: string };

/** The pack migration as the index will list it once the lead registers it. */
export const packsMigrationEntry: Migration = { version: 2, name: '002-packs', sql: packsMigration };

/**
 * The built-in migrations plus 002-packs, unless the index already carries it. Lets the pack
 * commands and their tests run before the migration is registered; harmless after.
 */
export function withPacksMigration(list: Migration[] = builtInMigrations): Migration[] {
  return list.some((m) => m.name === packsMigrationEntry.name) ? list : [...list, packsMigrationEntry];
}

/** Opens a project database with the pack schema applied. */
export function openPackDatabase(file: string, opts: OpenOptions = {}): Db {
  return openDatabase(file, { ...opts, migrations: withPacksMigration(opts.migrations) });
}

export interface ProjectIdentity {
  uid: string;
  name: string;
}

/** The project's lasting identity (uid survives copies; a starter file carries its lead's uid). */
export function projectIdentity(db: Db): ProjectIdentity {
  const hasUid = (db.prepare("SELECT 1 FROM pragma_table_info('project') WHERE name = 'uid'").get() as unknown) !== undefined;
  if (!hasUid) throw new ConcordError('internal', 'this database lacks the pack schema (migration 002-packs); open it with openPackDatabase');
  const row = db.prepare('SELECT uid, name FROM project WHERE id = 1').get() as ProjectIdentity | undefined;
  if (!row) throw new ConcordError('not-found', 'this database holds no Concord project');
  return row;
}
