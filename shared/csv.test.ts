import { describe, expect, it } from 'vitest';
import { MAX_CSV_TEXT_CHARS, parseCsv } from './csv.ts';

describe('the CSV reader in shared/', () => {
  it('runs without Node: no Buffer in sight', () => {
    const g = globalThis as { Buffer?: unknown };
    const nodeBuffer = g.Buffer;
    delete g.Buffer;
    try {
      expect(parseCsv('\ufeffa,b\r\n"x\r\ny",é\r\n', 'f.csv').rows).toEqual([{ line: 2, cells: { a: 'x\r\ny', b: 'é' } }]);
    } finally {
      g.Buffer = nodeBuffer;
    }
  });

  it('refuses a text too large to read whole, before reading it', () => {
    expect(() => parseCsv(`a\n${'x'.repeat(MAX_CSV_TEXT_CHARS)}\n`, 'big.csv')).toThrow(/a CSV read whole may hold at most 16\.0 MB/);
  });
});
