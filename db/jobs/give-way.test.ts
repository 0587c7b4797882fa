import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { givingWay } from './give-way.ts';

/**
 * A bootstrap's `shouldStop` waits while a job the lead waits on runs. Another thread plays that
 * job: it notes that it has finished (or asks the bootstrap to stop), then says so; the wait must
 * have lasted until then, whatever the timing.
 */
function otherThread(memory: SharedArrayBuffer, then: 'finish' | 'stop'): Worker {
  return new Worker(
    `const { workerData } = require('node:worker_threads');
     const [waitedOn, stop, noted] = [new Int32Array(workerData.memory, 0, 1), new Int32Array(workerData.memory, 4, 1), new Int32Array(workerData.memory, 8, 1)];
     setTimeout(() => {
       Atomics.store(noted, 0, 1);
       if (workerData.then === 'finish') { Atomics.sub(waitedOn, 0, 1); Atomics.notify(waitedOn, 0); }
       else Atomics.store(stop, 0, 1);
     }, 50);`,
    { eval: true, workerData: { memory, then } },
  );
}

describe("a bootstrap's way of stopping, giving way to the jobs the lead waits on", () => {
  const memory = () => {
    const shared = new SharedArrayBuffer(12);
    return { shared, waitedOn: new Int32Array(shared, 0, 1), stop: new Int32Array(shared, 4, 1), noted: new Int32Array(shared, 8, 1) };
  };

  it('goes on at once when none runs, and says stop when asked', () => {
    const m = memory();
    const shouldStop = givingWay(m.waitedOn, () => Atomics.load(m.stop, 0) === 1);
    expect(shouldStop()).toBe(false);
    Atomics.store(m.stop, 0, 1);
    expect(shouldStop()).toBe(true);
  });

  /** givingWay's answer while a job runs that the other thread then ends ('finish') or stops ('stop'), and the memory after it. */
  const whileOneRuns = async (then: 'finish' | 'stop') => {
    const m = memory();
    Atomics.store(m.waitedOn, 0, 1);
    const other = otherThread(m.shared, then);
    await new Promise((r) => other.once('online', r));
    const stopped = givingWay(m.waitedOn, () => Atomics.load(m.stop, 0) === 1)();
    await other.terminate();
    return { stopped, noted: Atomics.load(m.noted, 0), running: Atomics.load(m.waitedOn, 0) };
  };

  it('waits while one runs, and goes on once it is over', async () => {
    expect(await whileOneRuns('finish')).toEqual({ stopped: false, noted: 1, running: 0 });
  });

  it('stops while it waits, when asked to', async () => {
    expect(await whileOneRuns('stop')).toEqual({ stopped: true, noted: 1, running: 1 });
  });
});
