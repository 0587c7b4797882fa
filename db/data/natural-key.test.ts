import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareIds } from '../../shared/ids.ts';
import { naturalKey } from './natural-key.ts';

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const byteOrder = (a: string, b: string) => sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));

describe('naturalKey', () => {
  it('orders keys byte by byte (as SQLite compares text) exactly as compareIds orders the ids', () => {
    // Ids made of the pieces that matter: digit runs with leading zeros, letters, separators below and above the digits, non-ASCII.
    const piece = fc.oneof(fc.constantFrom('0', '00', '01', '1', '9', '10', '007', 'e', 'E', 'a', 'ab', '-', '.', '_', ' ', ':', 'é', '😀'), fc.string({ maxLength: 3 }), fc.nat().map(String));
    const id = fc.array(piece, { maxLength: 6 }).map((p) => p.join(''));
    fc.assert(fc.property(id, id, (a, b) => byteOrder(naturalKey(a), naturalKey(b)) === sign(compareIds(a, b))), { numRuns: 20000 });
  });

  it('sorts the usual ids naturally', () => {
    const ids = ['e10', 'e2', 'e1', 'e01', 'e0', 'e00', 'a', 'e', 'e2a', 'e2-1', 'rotate, 7', 'rotate, 10', '12345678901234567890', '99'];
    const byKey = [...ids].sort((a, b) => byteOrder(naturalKey(a), naturalKey(b)));
    expect(byKey).toEqual([...ids].sort(compareIds));
    expect(byKey.slice(0, 2)).toEqual(['99', '12345678901234567890']);
  });
});
