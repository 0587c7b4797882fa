import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../agreement/prng.ts';
import { digestBytes, labelsDigestText, type HashedLabel, type NumberedLines } from './provenance.ts';

/** The hash's text as the README documents it: every line, sorted by code unit, joined by LF (the plain way, kept as the reference). */
function plainDigestText(labels: HashedLabel[]): string {
  const lines = labels.map((l) => `${l.entry}\t${l.annotator}\t${l.dimension}\t${l.value}`);
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return lines.join('\n');
}

/**
 * Ids built to tell a sort by entry from a sort by line: prefixes of one another (e1, e10, e1a,
 * `e1 `), characters below TAB and above it, ids equal as numbers but written apart (e01),
 * numbers that sort differently as text (9, 10), non-ASCII and astral characters; values that
 * hold TABs and newlines themselves.
 */
const IDS = ['e1', 'e10', 'e1a', 'e1 ', 'e1\u0001', 'e1\u0008x', 'e01', 'e1\u00e9', 'e\u00e9', '9', '10', '100', 'x-7', '\u{1F600}', '\uFF21', 'e', ''];
const VALUES = ['training', 'a\tb', 'a', 'a\nb', 'syntax-error|missing-corner-case::x', '', 'z'];

function labelsFrom(seed: number, ids: string[], n: number): HashedLabel[] {
  const rand = mulberry32(seed);
  const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  return Array.from({ length: n }, () => ({ entry: pick(ids), annotator: pick(['ana', 'Ben', 'ben', 'a\u00e9']), dimension: pick(['stage', 'bug', 'task']), value: pick(VALUES) }));
}

describe('the provenance hash', () => {
  it('sorts entries once and each entry’s lines, giving the text every line sorted gives', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const labels = labelsFrom(seed, IDS, 400);
      expect(labelsDigestText(labels), `seed ${seed}`).toBe(plainDigestText(labels));
    }
    // By hand: a character below TAB (\u0001) sorts before the entry it extends, a space after it; '0' before 'a'.
    const some = ['e1a', 'e10', 'e1 ', 'e1', 'e1\u0001'].map((entry) => ({ entry, annotator: 'a', dimension: 'd', value: 'v' }));
    expect(labelsDigestText(some).split('\n').map((l) => l.split('\t')[0])).toEqual(['e1\u0001', 'e1', 'e1 ', 'e10', 'e1a']);
  });

  it('falls back to sorting every line when an entry id holds a TAB', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const labels = labelsFrom(seed, [...IDS, 'e1\tb', 'e1\t', '\t'], 300);
      expect(labels.some((l) => l.entry.includes('\t'))).toBe(true);
      expect(labelsDigestText(labels), `seed ${seed}`).toBe(plainDigestText(labels));
    }
  });

  /** Labels by number as the database hands them: each distinct id and rest once, plus a rest written twice under two numbers. */
  function numbered(labels: HashedLabel[]): NumberedLines {
    const entries = [...new Set(labels.map((l) => l.entry))].reverse();
    const restOf = (l: HashedLabel) => `${l.annotator}\t${l.dimension}\t${l.value}`;
    const rests = [...new Set(labels.map(restOf))];
    rests.push(rests[0]);
    return {
      entries,
      rests,
      entry: Int32Array.from(labels, (l) => entries.indexOf(l.entry)),
      rest: Int32Array.from(labels, (l, i) => (i % 3 === 0 && restOf(l) === rests[0] ? rests.length - 1 : rests.indexOf(restOf(l)))),
    };
  }
  const bytesOf = (lines: NumberedLines) => {
    const pieces: Buffer[] = [];
    digestBytes(lines, (bytes) => pieces.push(Buffer.from(bytes)));
    return { pieces, text: Buffer.concat(pieces) };
  };

  it('gives the same bytes from labels by number, whatever the ids, values and lengths', () => {
    // Lone surrogates are written as U+FFFD, as the hash's UTF-8 writes them.
    const ids = [...IDS, '\uD800', 'e\uDC00x'];
    for (let seed = 1; seed <= 20; seed++) {
      const labels = labelsFrom(seed, ids, 400);
      expect(bytesOf(numbered(labels)).text.equals(Buffer.from(plainDigestText(labels), 'utf8')), `seed ${seed}`).toBe(true);
    }
    // An id holding a TAB: every line sorted.
    for (let seed = 1; seed <= 10; seed++) {
      const labels = labelsFrom(seed, [...ids, 'e1\tb', 'e1\t', '\t'], 300);
      expect(bytesOf(numbered(labels)).text.equals(Buffer.from(plainDigestText(labels), 'utf8')), `seed ${seed}`).toBe(true);
    }
    // Many lines, in several pieces; a value longer than a piece.
    const many = labelsFrom(3, Array.from({ length: 5000 }, (_, i) => `e${i}`), 60_000);
    many[7] = { ...many[7], value: 'v\u00e9'.repeat(900_000) };
    const { pieces, text } = bytesOf(numbered(many));
    expect(pieces.length).toBeGreaterThan(2);
    expect(createHash('sha256').update(text).digest('hex')).toBe(createHash('sha256').update(plainDigestText(many), 'utf8').digest('hex'));
    expect(bytesOf({ entries: ['e1'], rests: ['a'], entry: new Int32Array(0), rest: new Int32Array(0) }).text.length).toBe(0);
  });
});
