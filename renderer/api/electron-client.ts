import type { ApiClient, ArgsOf, MethodName, ResultOf } from '../../shared/api.ts';
import type { ConcordBridge } from '../../shared/bridge.ts';
import { deserializeError } from '../../shared/errors.ts';

declare global {
  interface Window {
    /** Present only inside Electron, exposed by the preload. */
    concord?: ConcordBridge;
  }
}

/** Calls the service through the preload bridge; errors arrive as data and are rethrown typed. */
export function createElectronClient(bridge: ConcordBridge): ApiClient {
  return {
    async call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
      const envelope = await bridge.call(method, args);
      if (!envelope.ok) throw deserializeError(envelope.error);
      return envelope.result as ResultOf<M>;
    },
  };
}
