import { describe, expect, it } from 'vitest';
import { parseEntryIds } from './entry-ids.ts';

describe('parseEntryIds', () => {
  it('splits on line breaks only, so ids keep their commas and inner spaces', () => {
    expect(parseEntryIds('classes-resnetliteResidualBlockforward, 10\ndetkit_nms23')).toEqual(['classes-resnetliteResidualBlockforward, 10', 'detkit_nms23']);
  });
  it('drops blank lines, surrounding spaces, Windows line ends and repeats', () => {
    expect(parseEntryIds('  a b \r\n\r\n\tc, 1\r\na b\n   \n')).toEqual(['a b', 'c, 1']);
  });
  it('gives nothing for empty text', () => {
    expect(parseEntryIds('')).toEqual([]);
    expect(parseEntryIds('\n \n')).toEqual([]);
  });
});
