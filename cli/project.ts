import { openDatabase } from '../db/database.ts';
import { createService, type Service, type ServiceOptions } from '../db/service.ts';
import { FILE_OWNER, FILE_OWNER_ACTOR, type Caller } from '../shared/door.ts';
import { UsageError } from './command.ts';

/**
 * Commands reach the project through the service's one door, as Electron and browser mode do:
 * the same argument checks, the same roles, the same event log.
 */

/** `--as <name>`, in every command that acts on a project; what `--help` says about it. */
export const asOption = { as: { type: 'string' } } as const;
export const AS_HELP = `Without --as, a command acts as the owner of the project file (logged as "${FILE_OWNER_ACTOR}"): whoever can open the file can read it all anyway. With --as <name> it acts as that person, and the lead's commands refuse anyone who is not an adjudicator of the project.`;

/** Who a command acts as: the person `--as` names (their role is checked), else the project file's owner. */
export function callerOf(as: string | undefined): Caller {
  if (as === undefined) return FILE_OWNER;
  if (!as.trim()) throw new UsageError('--as needs a name');
  return { kind: 'named', name: as };
}

/** Opens an existing project file (the caller checked that it exists) and runs `fn` with its service, closed afterwards. */
export async function withService<T>(file: string, fn: (service: Service) => T | Promise<T>, opts: ServiceOptions = {}): Promise<T> {
  const db = openDatabase(file);
  let service: Service;
  try {
    service = createService(db, opts);
  } catch (e) {
    db.close();
    throw e;
  }
  try {
    return await fn(service);
  } finally {
    service.close();
  }
}
