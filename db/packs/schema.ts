import type { Db } from '../database.ts';
import { openStore, type ProjectIdentity } from '../data/index.ts';
export type { ProjectIdentity };

/** The project's lasting identity (uid survives copies; a starter file carries its lead's uid). */
export function projectIdentity(db: Db): ProjectIdentity {
  return openStore(db).project.identity();
}
