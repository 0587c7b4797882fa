// XML 1.0 can hold tab, LF, CR and every character from U+0020 but lone surrogates, U+FFFE and
// U+FFFF (the `u` flag makes a lone surrogate one character here, and a pair one code point).
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Text safe anywhere in an XML document we write (XLSX parts, SVG), in element content or in an
 * attribute in either quotes: the markup characters escaped, the characters XML cannot hold
 * (most control characters, lone surrogates, U+FFFE, U+FFFF) dropped, since no escape can
 * carry them and a reader refuses the whole file over one.
 */
export function escapeXml(s: string): string {
  return s.replace(NOT_XML, '').replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}
