/**
 * A bootstrap's `shouldStop`, giving way to the jobs the lead waits on: while any runs (a tab's
 * figures, a cell's entries: `waitedOn[0]` counts them), it waits between resamples (and a
 * report's bootstrap before it begins: db/jobs/worker.ts), and goes on once none does. On a
 * machine of two cores a bootstrap beside a tab took half of it, and the tab the lead looks at
 * took half as long again. A stop asked for meanwhile is seen within 0.1 s.
 */
export function givingWay(waitedOn: Int32Array, shouldStop: () => boolean): () => boolean {
  return () => {
    for (let running = Atomics.load(waitedOn, 0); running > 0 && !shouldStop(); running = Atomics.load(waitedOn, 0)) Atomics.wait(waitedOn, 0, running, 100);
    return shouldStop();
  };
}
