import type { ArgsOf, MethodName, ResultOf } from '../../shared/api.ts';
import { TOKEN_HEADER } from '../../shared/bridge.ts';

/** Calls browser mode's HTTP API from the test, to check what is on disk behind the UI. */
export async function callApi<M extends MethodName>(serverUrl: string, method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
  const url = new URL(serverUrl);
  const token = url.searchParams.get('token') ?? '';
  const res = await fetch(`${url.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
    body: JSON.stringify(args),
  });
  const body = (await res.json()) as { result?: ResultOf<M>; error?: { message: string } };
  if (!res.ok) throw new Error(`${method}: ${body.error?.message ?? res.status}`);
  return body.result as ResultOf<M>;
}

/** Imports a file or folder through browser mode's API, as the import dialog does, and waits for the end. */
export async function importThroughApi(serverUrl: string, path: string, format?: ArgsOf<'imports.start'>['format']): Promise<void> {
  let job = await callApi(serverUrl, 'imports.start', format ? { path, format } : { path });
  while (job.progress.phase !== 'done') {
    if (job.error) throw new Error(`import of ${path}: ${job.error.message}`);
    await new Promise((r) => setTimeout(r, 50));
    job = await callApi(serverUrl, 'imports.status', { jobId: job.jobId });
  }
}
