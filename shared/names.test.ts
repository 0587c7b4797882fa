import { describe, expect, it } from 'vitest';
import { howTheyDiffer, lookalikeKey, lookalikeOf, nameProblem, normalizeName, printable } from './names.ts';

describe('names that hide what they say', () => {
  it.each([
    ['an escape sequence', 'ana\u001b[2J', /control character \(U\+001B\)/],
    ['a C1 control', 'ana\u009b', /control character \(U\+009B\)/],
    ['a right-to-left override', 'ana\u202egpj.exe', /reorders or hides .*U\+202E/],
    ['a bidi isolate', '\u2067ana', /U\+2067/],
    ['a zero-width space', 'a\u200bna', /invisible character \(U\+200B/],
    ['a zero-width joiner', 'an\u200da', /invisible character \(U\+200D/],
    ['a byte-order mark', '\ufeffana', /invisible character \(U\+FEFF/],
    ['half a surrogate pair', 'ana\ud800', /surrogate/],
  ])('refuses %s', (_what, name, message) => {
    expect(nameProblem(name)).toMatch(message);
  });

  it('accepts names in any alphabet, emoji included', () => {
    for (const name of ['ana', 'José', 'Zoë', 'Łukasz', 'Иван', 'Αλέξης', '李华', 'ana-2', 'o’brien', 'ana 🚀']) expect(nameProblem(name), name).toBeNull();
  });

  it('prints them with the hidden characters written out, a whole emoji kept', () => {
    expect(printable('ana\u001b[2J')).toBe('ana\\u{1B}[2J');
    expect(printable('a\u202eb\u200bc\ud800')).toBe('a\\u{202E}b\\u{200B}c\\u{D800}');
    expect(printable('ana 🚀')).toBe('ana 🚀');
  });

  it('keeps names in NFC, without surrounding spaces', () => {
    expect(normalizeName(' Jose\u0301 ')).toBe('José');
    expect(normalizeName('Jose\u0301')).toBe(normalizeName('José'));
  });
});

describe('lookalike names', () => {
  it.each([
    ['ana', '\u0430na', 'a Cyrillic а'],
    ['ana', 'ANA', 'case'],
    ['ana', '\u0391\u039d\u0391', 'Greek capitals'],
    ['ana', '\uff41\uff4e\uff41', 'fullwidth letters'],
    ['ben', 'b\u0435n', 'a Cyrillic е'],
    ['paul', 'p\u0430ul', 'a Cyrillic а inside'],
    ['lena', '1ena', 'a digit one for an l'],
    ['José', 'Jose\u0301', 'NFD'],
  ])('%s and %s look alike (%s)', (a, b) => {
    expect(lookalikeKey(a)).toBe(lookalikeKey(b));
    expect(lookalikeOf(b, ['cai', a])).toBe(a);
  });

  it.each([
    ['ana', 'anna'],
    ['ben', 'ken'],
    ['ana', 'ava'],
    ['Иван', 'Ivan'],
  ])('%s and %s do not', (a, b) => {
    expect(lookalikeOf(b, [a])).toBeUndefined();
  });

  it('says how two lookalikes differ', () => {
    expect(howTheyDiffer('José', 'Jose\u0301')).toMatch(/NFC and NFD/);
    expect(howTheyDiffer('Ana', 'ana')).toMatch(/case/);
    expect(howTheyDiffer('ana', '\u0430na')).toMatch(/look alike/);
  });

  it('a name is not its own lookalike', () => {
    expect(lookalikeOf('ana', ['ana'])).toBeUndefined();
  });
});
