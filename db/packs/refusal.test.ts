import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConcordError } from '../../shared/errors.ts';
import { backupDir } from '../backup.ts';
import { exportPack } from './export.ts';
import { entriesFingerprint, type Pack } from './format.ts';
import { importPacks, type PackSource } from './merge.ts';
import { addEntry, dumpAll, makeProject, signedText } from '../../test/helpers/pack-project.ts';
import { appCall } from '../../test/helpers/service.ts';

/** Every way a pack is refused: exit 2 in the CLI, a message saying what differs, nothing changed. */

let good: string;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-refuse-'));
  const s = makeProject(join(dir, 'ana.db'), { entries: ['e1', 'e2', 'e3'], annotators: ['ana'] });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'bug', value: ['misinterpretation'] });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e3', dimension: 'task', value: 'regression' });
  good = exportPack(s.db, { annotator: 'ana' }).text;
  s.close();
});

let n = 0;
/** A lead database that already holds some work, so "unchanged" means something. */
function target(opts: { uid?: string; entries?: string[] } = {}) {
  const s = makeProject(join(dir, `target-${n++}.db`), { entries: opts.entries ?? ['e1', 'e2', 'e3'], annotators: ['ana', 'ben'], uid: opts.uid });
  appCall(s, 'labels.set', { annotator: 'ben', entryId: opts.entries?.[0] ?? 'e1', dimension: 'stage', value: 'inference' });
  return s;
}

/** The good pack changed by `f` and signed again, as ana's own file would have written it (signatures: trust.test.ts). */
const edit = (f: (p: Pack) => void): string => {
  const p = JSON.parse(good) as Pack;
  f(p);
  return signedText(p);
};

function expectRefused(db: ReturnType<typeof target>['db'], sources: PackSource[], message: RegExp, field?: string) {
  const before = dumpAll(db);
  let err: unknown;
  try {
    importPacks(db, sources);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConcordError);
  expect((err as ConcordError).code).toBe('bad-input');
  expect((err as ConcordError).message).toMatch(message);
  if (field) expect((err as ConcordError).where?.field).toBe(field);
  expect(dumpAll(db)).toBe(before);
  expect(existsSync(backupDir(db.name))).toBe(false);
}

describe('a pack is refused, naming what differs, and nothing changes', () => {
  it('when it belongs to another project', () => {
    const t = target({ uid: 'another-uid' });
    expectRefused(t.db, [{ name: 'ana.pack', text: good }], /another project \("Deep-Bench study", id test-project-uid\); this database holds "Deep-Bench study" \(id another-uid\)/);
  });

  it('when its codebook is another one, or another major version', () => {
    const t = target();
    expectRefused(t.db, [{ name: 'p', text: edit((p) => (p.codebook.id = 'tambon-base')) }], /codebook tambon-base 1\.0\.0, this project uses deep-bench 1\.0\.0 \(different codebooks\)/);
    expectRefused(t.db, [{ name: 'p', text: edit((p) => (p.codebook.version = '2.0.0')) }], /deep-bench 2\.0\.0, this project uses deep-bench 1\.0\.0 \(major versions differ\)/);
  });

  it('when it refers to entries this project lacks, or whose content changed', () => {
    const t = target({ entries: ['e1', 'e2'] });
    expectRefused(t.db, [{ name: 'p', text: good }], /it refers to 1 entry this project does not have: "e3"/);
    const u = makeProject(join(dir, 'changed.db'), { entries: ['e1', 'e3'] });
    addEntry(u.db, 'e2', false, 'a different output');
    expectRefused(u.db, [{ name: 'p', text: good }], /the content of 1 entry differs here \(prompt, ground truth or output changed\): "e2"/);
  });

  it('when a label names an unknown dimension or value, or an empty one', () => {
    const t = target();
    expectRefused(t.db, [{ name: 'p', text: edit((p) => (p.labels[0].dimension = 'colour')) }], /unknown dimension "colour"/, 'labels.0');
    expectRefused(t.db, [{ name: 'p', text: edit((p) => (p.labels.find((l) => l.dimension === 'stage')!.value = 'Training')) }], /unknown value for stage/);
    expectRefused(t.db, [{ name: 'p', text: edit((p) => (p.labels.find((l) => l.dimension === 'bug')!.value = [])) }], /empty value for bug .*null/);
  });

  it('when the file is not a pack, is damaged, or comes from a newer Concord', () => {
    const t = target();
    expectRefused(t.db, [{ name: 'p', text: '{"labels": [' }], /not a Concord pack: the file is not JSON/);
    expectRefused(t.db, [{ name: 'p', text: '{"format": "something-else"}' }], /not a Concord pack/, 'format');
    expectRefused(t.db, [{ name: 'p', text: edit((p) => ((p as { formatVersion: number }).formatVersion = 3)) }], /newer Concord/, 'formatVersion');
    expectRefused(t.db, [{ name: 'p', text: edit((p) => (p.labels[0].updatedAt = 'yesterday')) }], /damaged pack/, 'labels.0.updatedAt');
    expectRefused(t.db, [{ name: 'p', text: edit((p) => (p.entries.contentHashes.e1 = 'edited')) }], /fingerprint does not match/, 'entries.fingerprint');
    expectRefused(
      t.db,
      [
        {
          name: 'p',
          text: edit((p) => {
            delete p.entries.contentHashes.e1;
            p.entries.fingerprint = entriesFingerprint(p.entries.contentHashes);
          }),
        },
      ],
      /entry "e1" is not among the pack's entries/,
    );
    expectRefused(t.db, [{ name: 'p', text: edit((p) => p.labels.push({ ...p.labels[0] })) }], /appears twice/);
    expectRefused(t.db, [{ name: 'p', text: edit((p) => ((p as unknown as Record<string, unknown>).extra = 1)) }], /damaged pack/);
  });

  it('as a whole when one of several packs is refused, and the message names that file', () => {
    const t = target();
    let err: ConcordError | undefined;
    const before = dumpAll(t.db);
    try {
      importPacks(t.db, [
        { name: 'fine.pack', text: good },
        { name: 'other.pack', text: edit((p) => (p.project.uid = 'x')) },
      ]);
    } catch (e) {
      err = e as ConcordError;
    }
    expect(err?.where?.file).toBe('other.pack');
    expect(dumpAll(t.db)).toBe(before);
    // The good one alone goes in, after a backup.
    const r = importPacks(t.db, [{ name: 'fine.pack', text: good }]);
    expect(r.labelsSet).toBe(3);
    expect(existsSync(join(backupDir(t.db.name), r.backup!.name))).toBe(true);
  });

  it('accepts a newer minor version of the same codebook', () => {
    const t = target();
    expect(importPacks(t.db, [{ name: 'p', text: edit((p) => (p.codebook.version = '1.4.0')) }]).labelsSet).toBe(3);
  });
});
