import { ConcordError } from '../../shared/errors.ts';
import type { Db } from '../database.ts';

export interface ProjectIdentity {
  uid: string;
  name: string;
}

/** The project's lasting identity (uid survives copies; a starter file carries its lead's uid). */
export function projectIdentity(db: Db): ProjectIdentity {
  const hasUid = (db.prepare("SELECT 1 FROM pragma_table_info('project') WHERE name = 'uid'").get() as unknown) !== undefined;
  if (!hasUid) throw new ConcordError('internal', 'this database lacks the pack schema (migration 002-packs); open it with openDatabase, which applies it');
  const row = db.prepare('SELECT uid, name FROM project WHERE id = 1').get() as ProjectIdentity | undefined;
  if (!row) throw new ConcordError('not-found', 'this database holds no Concord project');
  return row;
}
