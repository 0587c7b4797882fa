import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { reportError, type CliIO } from '../../cli/command.ts';
import packCommand from '../../cli/commands/pack.ts';
import { main } from '../../cli/main.ts';
import { ConcordError } from '../../shared/errors.ts';
import { FILE_OWNER } from '../../shared/door.ts';
import { openDatabase } from '../database.ts';
import { openStore } from '../data/index.ts';
import { createService, type Service } from '../service.ts';
import { exportPack } from './export.ts';
import type { Pack } from './format.ts';
import { importPacks, type PackSource } from './merge.ts';
import { writeStarter } from './starter.ts';
import { dumpAll, makeProject, signedIn } from '../../test/helpers/pack-project.ts';
import { appCall } from '../../test/helpers/service.ts';

/**
 * A pack speaks for one annotator only: the one whose starter file (made by the lead's project,
 * which keeps the same secret) signed it. Forged and edited packs are refused, saying what is
 * wrong, and nothing changes.
 */

const dir = mkdtempSync(join(tmpdir(), 'concord-trust-'));
let n = 0;
let lead: Service;
let anaFile: Service;
let anaPack: string;

beforeEach(() => {
  const k = n++;
  // The lead's project: ana and ben label, lena leads, the published labels came with the release.
  lead = makeProject(join(dir, `study-${k}.db`), { entries: ['e1', 'e2', 'e3'] });
  for (const name of ['ana', 'ben']) appCall(lead, 'project.addAnnotator', { name });
  lead.call('project.addAnnotator', { name: 'lena', role: 'adjudicator' }, FILE_OWNER);
  const store = openStore(lead.db);
  store.annotators.insert('deepbench-published', 'reference', '2024-01-01T00:00:00.000Z');
  appCall(lead, 'labels.set', { annotator: 'ben', entryId: 'e1', dimension: 'stage', value: 'inference' });
  // Starter files carry each annotator's secret; ana labels in hers and exports her pack.
  writeStarter(lead.db, { annotator: 'ben', out: join(dir, `ben-${k}.db`) });
  writeStarter(lead.db, { annotator: 'ana', out: join(dir, `ana-${k}.db`) });
  anaFile = makeServiceOn(join(dir, `ana-${k}.db`));
  appCall(anaFile, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
  appCall(anaFile, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'bug', value: ['misinterpretation'] });
  anaPack = exportPack(anaFile.db, { annotator: 'ana' }).text;
});

function makeServiceOn(file: string): Service {
  return createService(openDatabase(file));
}

const edited = (f: (p: Pack) => void): string => {
  const p = JSON.parse(anaPack) as Pack;
  f(p);
  return JSON.stringify(p);
};

function refused(sources: PackSource[], message: RegExp, opts: { trustUnsigned?: boolean } = {}): ConcordError {
  const before = dumpAll(lead.db);
  let err: unknown;
  try {
    importPacks(lead.db, sources, opts);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConcordError);
  expect((err as ConcordError).message).toMatch(/^pack refused, nothing was changed: /);
  expect((err as ConcordError).message).toMatch(message);
  expect(dumpAll(lead.db)).toBe(before);
  return err as ConcordError;
}

describe('a signed pack', () => {
  it("from the annotator's own starter file merges", () => {
    const r = importPacks(lead.db, [{ name: 'ana.pack', text: anaPack }]);
    expect(r).toMatchObject({ labelsSet: 2, packs: [{ annotator: 'ana', signed: true }] });
  });

  it('the lead can export for an annotator, signed with the same secret', () => {
    const text = exportPack(lead.db, { annotator: 'ben' }).text;
    expect(JSON.parse(text).signature.value).toBe(JSON.parse(exportPack(makeServiceOn(join(dir, `ben-${n - 1}.db`)).db, { annotator: 'ben' }).text).signature.value);
  });
});

describe('a forged or edited pack is refused, saying what, and nothing changes', () => {
  it('one edited to speak for another annotator', () => {
    const e = refused([{ name: 'ana.pack', text: edited((p) => (p.annotator = 'ben')) }], /it names ben but is signed with ana's key: it was edited to speak for someone else/);
    expect(e.where).toMatchObject({ file: 'ana.pack', field: 'annotator' });
  });

  it('one edited to speak for the lead, who has no starter file', () => {
    refused([{ name: 'ana.pack', text: edited((p) => (p.annotator = 'lena')) }], /it names lena but is signed with ana's key/);
    // Even signed with a key made up for the occasion.
    refused([{ name: 'ana.pack', text: edited((p) => (p.annotator = 'Lena')) }], /names lena|signed with ana's key/);
  });

  it('one that claims the published reference labels', () => {
    refused([{ name: 'ana.pack', text: edited((p) => (p.annotator = 'deepbench-published')) }], /the published reference labels; those come only from the release's files/);
  });

  it('one that names a lookalike of an annotator (a Cyrillic а: a fourth rater)', () => {
    refused([{ name: 'ana.pack', text: edited((p) => (p.annotator = '\u0430na')) }], /names "аna", who is not an annotator here but looks like "ana" \(they differ in letters that look alike/);
  });

  it('one whose name hides control characters, printed escaped', () => {
    const e = refused([{ name: 'ana.pack', text: edited((p) => (p.annotator = 'ana\u001b[2J')) }], /control character/);
    expect(e.message).not.toContain('\u001b');
    expect(e.message).toContain('ana\\u{1B}[2J');
  });

  it('one whose label value, time or clock was edited', () => {
    refused([{ name: 'ana.pack', text: edited((p) => (p.labels[0].value = 'inference')) }], /its signature does not match its content: the pack was changed after ana's file exported it/);
    refused([{ name: 'ana.pack', text: edited((p) => (p.labels[0].updatedAt = '2999-01-01T00:00:00.000Z')) }], /signature does not match/);
    refused([{ name: 'ana.pack', text: edited((p) => (p.labels[0].clock += 1_000_000)) }], /signature does not match/);
  });

  it('one signed with a key this project never gave out (another copy of the project)', () => {
    const copy = makeProject(join(dir, `copy-${n}.db`), { entries: ['e1', 'e2', 'e3'], annotators: ['ana'] });
    appCall(copy, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    refused([{ name: 'copy.pack', text: exportPack(copy.db, { annotator: 'ana' }).text }], /signature does not match/);
  });

  it('one for an annotator who has no key here', () => {
    appCall(lead, 'project.addAnnotator', { name: 'cai' });
    const copy = makeProject(join(dir, `cai-${n}.db`), { entries: ['e1', 'e2', 'e3'], annotators: ['cai'] });
    appCall(copy, 'labels.set', { annotator: 'cai', entryId: 'e1', dimension: 'stage', value: 'training' });
    refused([{ name: 'cai.pack', text: exportPack(copy.db, { annotator: 'cai' }).text }], /holds no pack key for cai, so no pack can speak for them: a key is made with their starter file/);
  });

  it('one from someone who is not an annotator here', () => {
    const copy = makeProject(join(dir, `dee-${n}.db`), { entries: ['e1', 'e2', 'e3'], annotators: ['dee'] });
    refused([{ name: 'dee.pack', text: exportPack(copy.db, { annotator: 'dee' }).text }], /"dee" is not an annotator of this project/);
  });

  it('one that puts a bug label on a passing entry, even signed', () => {
    lead.db.prepare("UPDATE entry SET passed = 1 WHERE ext_id = 'e2'").run();
    refused([{ name: 'ana.pack', text: anaPack }], /gives ana a new Bug label on entry "e2", and Bug applies only to failing outputs/);
  });
});

describe('an unsigned pack (format version 1, from before packs were signed)', () => {
  const v1 = (text: string, annotator?: string): string => {
    const { signature: _s, ...p } = JSON.parse(text) as Pack;
    const drop = <T extends { clock: number }>({ clock: _c, ...r }: T) => r;
    return JSON.stringify({ ...p, annotator: annotator ?? p.annotator, formatVersion: 1, labels: p.labels.map(drop), notes: p.notes.map(drop), submissions: p.submissions.map(drop) });
  };

  it('is refused without --trust-unsigned, and says what to do', () => {
    refused([{ name: 'old.pack', text: v1(anaPack) }], /unsigned pack \(format version 1.*import it with --trust-unsigned/);
  });

  it('merges with it, and the event log says who vouched for it', () => {
    const r = importPacks(lead.db, [{ name: 'old.pack', text: v1(anaPack) }], { trustUnsigned: true, actor: 'lena' });
    expect(r).toMatchObject({ labelsSet: 2, packs: [{ signed: false }] });
    const ev = lead.db.prepare("SELECT after FROM event WHERE kind = 'pack.merge'").get() as { after: string };
    expect(JSON.parse(ev.after)).toMatchObject({ pack: 'old.pack', signed: false, trustedBy: 'lena' });
  });

  it('may bring a new annotator, but never a lookalike of one, nor the reference', () => {
    expect(importPacks(lead.db, [{ name: 'old.pack', text: v1(anaPack, 'cai') }], { trustUnsigned: true }).annotatorsCreated).toEqual(['cai']);
    refused([{ name: 'old.pack', text: v1(anaPack, 'BEN\u200b') }], /invisible character/, { trustUnsigned: true });
    refused([{ name: 'old.pack', text: v1(anaPack, 'b\u0435n') }], /looks like "ben"/, { trustUnsigned: true });
    refused([{ name: 'old.pack', text: v1(anaPack, 'deepbench-published') }], /published reference/, { trustUnsigned: true });
  });
});

describe('concord pack import', () => {
  function capture(): { io: CliIO; out: () => string; err: () => string } {
    let out = '';
    let err = '';
    return { io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t) }, out: () => out, err: () => err };
  }

  it('exits 2 on a forged pack, saying what, and takes the unsigned with --trust-unsigned', async () => {
    const file = join(dir, `forged-${n}.json`);
    writeFileSync(file, edited((p) => (p.annotator = 'ben')));
    lead.close();
    const c = capture();
    const code = await packCommand.run(['import', file, '--db', lead.db.name], c.io).catch((e) => reportError(e, c.io));
    expect(code).toBe(2);
    expect(c.err()).toMatch(/^concord: forged-.*\.json, field "annotator": pack refused, nothing was changed: it names ben but is signed with ana's key/);
    expect(c.err().trim().split('\n')).toHaveLength(1);
  });

  it('never prints a name raw, even one an older Concord let in', async () => {
    lead.db.prepare("UPDATE annotator SET name = 'ana\u001b]0;pwned\u0007' WHERE name = 'ana'").run();
    const pack = JSON.parse(anaPack) as Pack;
    const file = join(dir, `legacy-${n}.json`);
    writeFileSync(file, signedIn(lead.db, { ...pack, annotator: 'ana\u001b]0;pwned\u0007' }));
    lead.close();
    const c = capture();
    const code = await packCommand.run(['import', file, '--db', lead.db.name], c.io).catch((e) => reportError(e, c.io));
    expect(`${c.out()}${c.err()}`).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(code === 0 ? c.out() : c.err()).toContain('\\u{1B}');
  });
});

describe('concord alpha', () => {
  it('never prints a name raw either', async () => {
    for (const [who, v] of [
      ['ana', 'training'],
      ['ben', 'inference'],
    ])
      for (const e of ['e1', 'e2', 'e3']) {
        appCall(lead, 'labels.set', { annotator: who, entryId: e, dimension: 'stage', value: v });
        appCall(lead, 'labels.setStatus', { annotator: who, entryId: e, status: 'submitted' });
      }
    lead.db.prepare("UPDATE annotator SET name = 'ben\u001b[31m\u202e' WHERE name = 'ben'").run();
    const file = lead.db.name;
    lead.close();
    let out = '';
    const code = await main(['alpha', '--db', file], { stdout: (t) => void (out += t), stderr: (t) => void (out += t) });
    expect(code, out).toBe(0);
    expect(out).toContain('ben\\u{1B}[31m\\u{202E}');
    expect(out).not.toMatch(/[\u001b\u202e]/);
  });
});

describe('annotator names in the app', () => {
  it('are refused when they look like an existing one, naming it', () => {
    expect(() => appCall(lead, 'project.addAnnotator', { name: '\u0430na' })).toThrow(/"аna" looks like "ana", who is already an annotator/);
    expect(() => appCall(lead, 'project.addAnnotator', { name: 'AN\u0391' })).toThrow(/looks like "ana"/);
    expect(() => appCall(lead, 'project.addAnnotator', { name: 'ana\u202e' })).toThrow(/reorders or hides/);
  });

  it('are kept in NFC: one person, however the accent was typed', () => {
    appCall(lead, 'project.addAnnotator', { name: 'Jose\u0301' });
    expect(appCall(lead, 'project.annotators', {}).map((a) => a.name)).toContain('José');
    expect(appCall(lead, 'project.addAnnotator', { name: 'José' })).toEqual({ name: 'José', role: 'annotator' });
  });
});
