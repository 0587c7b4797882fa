import type { Service } from '../../db/service.ts';
import type { MethodName } from '../../shared/api.ts';
import { callerOfRequest, type Answer, type DoorArgs } from '../../shared/door.ts';

/**
 * Calls a project's service through its door as Electron and browser mode do: the request names
 * who asks in its own `as` (none for labelling, which is open to anyone).
 */
export function appCall<M extends MethodName>(service: Service, method: M, args: DoorArgs<M>): Answer<M> {
  return service.call(method, args, callerOfRequest(args));
}
