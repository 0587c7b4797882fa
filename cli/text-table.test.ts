import { describe, expect, it } from 'vitest';
import { TableNotes, textTable, wrapText } from './text-table.ts';

describe('textTable', () => {
  it('aligns columns under their headers, numbers to the right, with a gap that never closes', () => {
    const t = textTable(
      [{ header: 'dimension' }, { header: 'majority', align: 'right' }, { header: 'needs-decision', align: 'right' }],
      [
        ['stage', '2', '12'],
        ['prompt-review', '10', '0'],
      ],
      { indent: 0 },
    );
    expect(t).toBe(['dimension      majority  needs-decision', 'stage                 2              12', 'prompt-review        10               0', ''].join('\n'));
  });

  it('wraps a long cell inside its column instead of cutting it, so names that share a start stay apart', () => {
    const a = 'Misinterpretation › Incorrect DL Library or Framework Usage';
    const b = 'Misinterpretation › Incorrect DL/ML Functionality';
    const t = textTable([{ header: 'value', maxWidth: 24 }, { header: 'alpha', align: 'right' }], [[a, '0.100'], [b, '-0.014']]);
    const lines = t.trimEnd().split('\n');
    expect(lines.every((l) => [...l].length <= 2 + 24 + 2 + 6)).toBe(true);
    // Read back, each name is whole and the two differ.
    const cells = lines.slice(1).reduce<string[]>((acc, l) => {
      const cell = l.slice(2, 26).trim();
      if (l.slice(2).startsWith('  ')) acc[acc.length - 1] += ` ${cell}`;
      else acc.push(cell);
      return acc;
    }, []);
    expect(cells).toEqual([a, b]);
    expect(lines[1].endsWith(' 0.100')).toBe(true);
  });

  it('counts characters, not bytes, so α and › line up', () => {
    const t = textTable([{ header: 'P(α<.800)', align: 'right' }, { header: 'x' }], [['0.5', 'a › b']], { indent: 0 });
    expect(t).toBe('P(α<.800)  x\n      0.5  a › b\n');
  });
});

describe('wrapText', () => {
  it('breaks at spaces, splits a word only when it is longer than a line, and indents what follows', () => {
    expect(wrapText('short', 10)).toEqual(['short']);
    expect(wrapText('one two three four', 9)).toEqual(['one two', '  three', '  four']);
    expect(wrapText('abcdefghijkl', 5, '')).toEqual(['abcde', 'fghij', 'kl']);
  });
});

describe('TableNotes', () => {
  it('numbers each remark once, however often it is marked', () => {
    const n = new TableNotes();
    expect([n.mark('undefined: no pairable values'), n.mark('other'), n.mark('undefined: no pairable values')]).toEqual(['[1]', '[2]', '[1]']);
    expect(n.toString()).toBe('  [1] undefined: no pairable values\n  [2] other\n');
    expect(new TableNotes().toString()).toBe('');
  });
});
