// A job's worker that does no work: it says back what the service handed it, for tests of what a job is started with.
import { parentPort, threadId, workerData } from 'node:worker_threads';

/** How many jobs the lead waits on run now, as the runner counts them for every worker. */
const waitedOn = new Int32Array(workerData.waitedOn);
/** The label rows of the columns this worker was last handed, by a job or ahead of one. */
let held = null;
parentPort.on('message', (order) => {
  if (order.columns) held = order.columns.data.rows.count;
  // Columns handed ahead of a job: taken over, as the real worker says.
  if (order.type === 'columns') return order.columns && parentPort.postMessage({ type: 'readied' });
  const { request } = order;
  // A job that never ends, for tests of jobs still running.
  if (request.kind === 'coderCell' && request.args.cell.coder === 'hold') return;
  parentPort.postMessage({ id: order.id, type: 'result', value: { kind: request.kind, labelRowsHanded: request.columns ? request.columns.data.rows.count : null, labelRowsHeld: held, thread: threadId, waitedOn: Atomics.load(waitedOn, 0) } });
});
