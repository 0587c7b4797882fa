import { describe, expect, it } from 'vitest';
import { canonicalTime, codebookMismatch, entriesFingerprint, parsePack, serializePack, type Pack } from './format.ts';

const pack = (over: Partial<Pack> = {}): Pack => {
  const contentHashes = { e2: 'h2', e1: 'h1' };
  return {
    format: 'concord-pack',
    formatVersion: 2,
    project: { uid: 'u', name: 'P' },
    annotator: 'ana',
    codebook: { id: 'deep-bench', version: '1.0.0' },
    entries: { fingerprint: entriesFingerprint(contentHashes), contentHashes },
    labels: [
      { entry: 'e2', dimension: 'stage', value: 'training', updatedAt: '2024-01-01T00:00:00.000Z', clock: 3, codebookVersion: '1.0.0' },
      { entry: 'e1', dimension: 'task', value: null, updatedAt: '2024-01-02T00:00:00.000Z', clock: 1, codebookVersion: '1.0.0' },
      { entry: 'e1', dimension: 'prompt-review', value: { b: true, a: false }, updatedAt: '2024-01-02T00:00:00.000Z', clock: 2, codebookVersion: '1.0.0' },
    ],
    notes: [],
    submissions: [{ entry: 'e1', status: 'draft', updatedAt: '2024-01-02T00:00:00.000Z', clock: 2 }],
    signature: { algorithm: 'HMAC-SHA256', value: 'ab'.repeat(32) },
    ...over,
  };
};

describe('pack text', () => {
  it('is the same bytes for the same data, whatever the order it was gathered in', () => {
    const a = pack();
    const b = pack({ labels: [...a.labels].reverse() });
    expect(serializePack(b)).toBe(serializePack(a));
    const text = serializePack(a);
    // Keys sorted at every depth, records by entry then dimension, a final newline.
    expect(text.indexOf('"annotator"')).toBeLessThan(text.indexOf('"codebook"'));
    expect(text.indexOf('"a": false')).toBeLessThan(text.indexOf('"b": true'));
    expect(text.indexOf('"prompt-review"')).toBeLessThan(text.indexOf('"task"'));
    expect(text.indexOf('"task"')).toBeLessThan(text.indexOf('"stage"'));
    expect(text.endsWith('}\n')).toBe(true);
    expect(parsePack(text, 'p.json')).toEqual({ pack: JSON.parse(text), unsigned: false });
  });

  it('reads a version 1 pack (before clocks and signatures) with its times as clocks, as unsigned', () => {
    const { signature: _s, ...v2 } = pack();
    const v1 = {
      ...v2,
      formatVersion: 1,
      labels: v2.labels.map(({ clock: _c, ...l }) => l),
      submissions: v2.submissions.map(({ clock: _c, ...x }) => x),
    };
    const read = parsePack(JSON.stringify(v1), 'old.json');
    expect(read.unsigned).toBe(true);
    expect(read.pack.formatVersion).toBe(2);
    expect(read.pack.labels.map((l) => l.clock)).toEqual([Date.parse('2024-01-01T00:00:00.000Z'), Date.parse('2024-01-02T00:00:00.000Z'), Date.parse('2024-01-02T00:00:00.000Z')]);
    expect(read.pack.signature).toBeUndefined();
  });

  it('refuses a text that holds half a surrogate pair, naming the field', () => {
    const p = pack({ notes: [{ entry: 'e1', text: 'ok \ud800 not', updatedAt: '2024-01-02T00:00:00.000Z', clock: 1 }] });
    expect(() => parsePack(JSON.stringify(p), 'p.json')).toThrow(expect.objectContaining({ message: expect.stringMatching(/surrogate/), where: { file: 'p.json', field: 'notes.0.text' } }));
  });

  it('refuses a version 2 pack without a signature or a clock', () => {
    const { signature: _s, ...unsignedV2 } = pack();
    expect(() => parsePack(JSON.stringify(unsignedV2), 'p.json')).toThrow(/damaged pack/);
    const noClock = pack();
    delete (noClock.labels[0] as { clock?: number }).clock;
    expect(() => parsePack(JSON.stringify(noClock), 'p.json')).toThrow(/damaged pack/);
  });

  it('fingerprints the entries independently of their order', () => {
    expect(entriesFingerprint({ a: '1', b: '2' })).toBe(entriesFingerprint({ b: '2', a: '1' }));
    expect(entriesFingerprint({ a: '1', b: '2' })).not.toBe(entriesFingerprint({ a: '1', b: '3' }));
    expect(entriesFingerprint({ 'a\tb': '1' })).not.toBe(entriesFingerprint({ a: 'b\t1' }));
  });

  it('writes every time in one sortable form', () => {
    expect(canonicalTime('2024-01-02T03:04:05.006Z')).toBe('2024-01-02T03:04:05.006Z');
    expect(canonicalTime('2024-01-02')).toBe('2024-01-02T00:00:00.000Z');
    expect(canonicalTime('2024-01-02T03:04:05+02:00')).toBe('2024-01-02T01:04:05.000Z');
    expect(() => canonicalTime('soon')).toThrow(/unreadable time/);
  });
});

describe('codebook compatibility', () => {
  it('holds for the same id and major version, and names both otherwise', () => {
    const here = { id: 'deep-bench', version: '1.2.0' };
    expect(codebookMismatch({ id: 'deep-bench', version: '1.0.0' }, here)).toBeNull();
    expect(codebookMismatch({ id: 'deep-bench', version: '1.9.3' }, here)).toBeNull();
    expect(codebookMismatch({ id: 'deep-bench', version: '2.0.0' }, here)).toBe(
      'the pack was labelled with codebook deep-bench 2.0.0, this project uses deep-bench 1.2.0 (major versions differ)',
    );
    expect(codebookMismatch({ id: 'tambon', version: '1.2.0' }, here)).toMatch(/codebook tambon 1\.2\.0, this project uses deep-bench 1\.2\.0 \(different codebooks\)/);
    expect(codebookMismatch({ id: 'x', version: 'draft' }, { id: 'x', version: 'draft' })).toBeNull();
    expect(codebookMismatch({ id: 'x', version: 'draft' }, { id: 'x', version: '1.0.0' })).toMatch(/versions differ/);
  });
});
