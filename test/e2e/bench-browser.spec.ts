import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserFigures } from '../../cli/bench/browser.ts';
import { buildProject } from '../../cli/bench/project.ts';

// The bench's browser figures on a small study, in Chromium: each is measured on the path a person's
// action takes, the label write from the app's page on its socket as browser mode's client sends it.
describe('the bench in Chromium', () => {
  it("times a label's acknowledgement on the app's page's socket, each write landing in the project, with the same by POST and both floors beside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-bench-browser-'));
    const p = await buildProject(dir, 200, () => {});
    try {
      const { figures, unmeasured } = await browserFigures([p], { say: () => {}, presses: 3, labelWriteScale: 200 });
      expect(unmeasured).toEqual({});
      const write = figures.label_write_p95_ms;
      expect(write.note).toMatch(/^200 writes on the socket of the app's page in Chromium/);
      expect(write.note).toMatch(/the same writes by POST \(the client's way while its socket opens\): p50 [\d.]+ ms, p95 [\d.]+ ms, their floor p50 [\d.]+ ms, p95 [\d.]+ ms$/);
      // Beside them, Chromium's floor: the same message to a server that answers at once, timed in the same run.
      expect(write.note).toMatch(/the floor, the same message to a server that answers at once: p50 [\d.]+ ms, p95 [\d.]+ ms/);
      expect(Number.isFinite(write.value) && write.value > 0).toBe(true);
      // Every write changed a label, 210 on the socket and 210 by POST (the first ten of each not timed).
      const events = p.service.db.prepare("SELECT COUNT(*) AS n FROM event WHERE kind = 'label.set' AND actor = 'ana'").get() as { n: number };
      expect(events.n).toBe(420);
    } finally {
      p.service.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
