// A job's worker that does no work: it says back what the service handed it, for tests of what a job is started with.
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { parentPort, threadId, workerData } from 'node:worker_threads';

/** How many jobs the lead waits on run now, as the runner counts them for every worker. */
const waitedOn = new Int32Array(workerData.waitedOn);
/** The label rows of the columns this worker holds: last handed by a job, or taken itself from the file ahead of one. */
let held = null;
/** As the real worker takes the columns over on its own thread: here, only their row count, read from the project file. */
function labelRowsInFile() {
  const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM label').pluck().get();
  } finally {
    db.close();
  }
}
parentPort.on('message', (order) => {
  // No more jobs: ended as the real worker ends itself.
  if (order.type === 'end') return void setImmediate(() => process.exit(0));
  // Asked to get ready ahead of a job: with takeColumns, the columns taken over, as the real worker says.
  if (order.type === 'ready') {
    if (!order.takeColumns) return;
    held = labelRowsInFile();
    return parentPort.postMessage({ type: 'readied' });
  }
  const { request } = order;
  if (request.columns) held = request.columns.data.rows.count;
  // A job that never ends, for tests of jobs still running.
  if (request.kind === 'coderCell' && request.args.cell.coder === 'hold') return;
  // Work left for after the answer, as the real worker saves the label columns it read: 300 ms, then a file written.
  if (request.kind === 'export' && request.args.after) {
    const { after } = request.args;
    setImmediate(() => {
      const until = performance.now() + 300;
      while (performance.now() < until);
      writeFileSync(after, 'done');
    });
  }
  const answer = () =>
    parentPort.postMessage({ id: order.id, type: 'result', value: { kind: request.kind, labelRowsHanded: request.columns ? request.columns.data.rows.count : null, labelRowsHeld: held, thread: threadId, waitedOn: Atomics.load(waitedOn, 0) } });
  // A job that takes a while (`args.answerAfterMs`), for tests of what happens meanwhile.
  if (request.args?.answerAfterMs) return void setTimeout(answer, request.args.answerAfterMs);
  answer();
});
