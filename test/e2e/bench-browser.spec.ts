import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserFigures } from '../../cli/bench/browser.ts';
import { buildProject } from '../../cli/bench/project.ts';

// The bench's browser figures on a small study, in Chromium: each is measured on the path a person's
// action takes, the label write from the app's page over HTTP as browser mode sends it.
describe('the bench in Chromium', () => {
  it("times a label's acknowledgement from the app's page, each write landing in the project, with Chromium's floor and Node's fetch beside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-bench-browser-'));
    const p = await buildProject(dir, 200, () => {});
    try {
      const { figures, unmeasured } = await browserFigures([p], { say: () => {}, presses: 3, labelWriteScale: 200 });
      expect(unmeasured).toEqual({});
      const write = figures.label_write_p95_ms;
      expect(write.note).toMatch(/^200 writes over HTTP from the app's page in Chromium/);
      expect(write.note).toMatch(/Node's fetch in the bench's process: p50 [\d.]+ ms, p95 [\d.]+ ms/);
      // Beside them, Chromium's floor: the same fetch from a page whose server answers at once, timed in the same run.
      expect(write.note).toMatch(/the floor, the same fetch from a page of a server that answers at once: p50 [\d.]+ ms, p95 [\d.]+ ms/);
      expect(Number.isFinite(write.value) && write.value > 0).toBe(true);
      // Every write changed a label, 210 from the page and 210 from Node (the first ten of each not timed).
      const events = p.service.db.prepare("SELECT COUNT(*) AS n FROM event WHERE kind = 'label.set' AND actor = 'ana'").get() as { n: number };
      expect(events.n).toBe(420);
    } finally {
      p.service.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
