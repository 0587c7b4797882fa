import { describe, expect, it } from 'vitest';
import { jsonPieces, listMarker } from './streaming.ts';

/**
 * `jsonPieces` stringifies a list's items a batch at a time and cuts each batch's brackets off:
 * its text must be `JSON.stringify` of the whole object, whatever the number of items around a
 * batch's edge, items of nested objects, arrays and lines, empty lists and a custom stringify.
 */
const item = (i: number) => ({
  id: `e${i}`,
  nested: { values: i % 3 ? [i, `ü${i}`, { deep: [] }] : [], empty: {} },
  text: `line one\nline two ${'\u{1F600}'.repeat(i % 2)}`,
  n: i % 5 === 0 ? null : i,
});

describe('a JSON object with long lists, in pieces', () => {
  for (const n of [0, 1, 2, 999, 1000, 1001, 2500])
    it(`gives the bytes of JSON.stringify with ${n} items`, () => {
      const items = Array.from({ length: n }, (_, i) => item(i));
      const whole = { head: { a: [1, 2], b: 'x' }, items, other: [], tail: 'end' };
      const skeleton = { ...whole, items: listMarker('items'), other: listMarker('other') };
      const text = [...jsonPieces(skeleton, { items: () => items, other: () => [] })].join('');
      expect(text).toBe(JSON.stringify(whole, null, 2));
      // A stringify of its own (sorted keys, as a pack's) is used for the batches too.
      const sorted = (v: unknown) => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x), 2);
      expect([...jsonPieces(skeleton, { items: () => items, other: () => [] }, sorted)].join('')).toBe(sorted(whole));
    });
});
