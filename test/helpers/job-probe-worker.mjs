// A job's worker that does no work: it says back what the service handed it, for tests of what a job is started with.
import { parentPort, workerData } from 'node:worker_threads';

const { request } = workerData;
parentPort.postMessage({ type: 'result', value: { kind: request.kind, labelRowsHanded: request.columns ? request.columns.data.rows.count : null } });
