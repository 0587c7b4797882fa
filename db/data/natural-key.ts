/**
 * A text key per entry id whose plain byte order (SQLite's BINARY collation) is the natural order
 * of ids, `compareIds` in shared/ids.ts: so SQL can page through entries in the order every list
 * shows them, from an index. `natural-key.test.ts` checks the two orders agree on random ids.
 *
 * compareIds splits an id into runs of digits and runs of other characters and compares them run
 * by run: two digit runs as numbers (then, equal as numbers, as text), anything else by UTF-16
 * code unit. The key writes each run so that comparing keys compares runs the same way:
 *
 * - a character of a non-digit run is `1` and its code unit in 4 hex digits; the run ends with
 *   `0`, which sorts below any character, so "ab" comes before "abc";
 * - a digit run is written as the character '0' would be (`10030`: digit runs sort where digits
 *   sort against other characters, and no other character takes that place), then the count of
 *   significant digits (4 hex digits), the digits, and 4 hex digits that order runs equal as
 *   numbers as compareIds does ("01" before "1", but "0" before "00").
 *
 * Runs alternate, so a key never holds two runs of one kind in a row; the key of an id that is a
 * run-by-run prefix of another is a prefix of the other's key, and so sorts first, as compareIds
 * has fewer runs sort first.
 */
export function naturalKey(id: string): string {
  let key = '';
  for (const run of id.match(RUN) ?? []) {
    const c = run.charCodeAt(0);
    if (c >= 48 && c <= 57) {
      const digits = run.replace(/^0+/, '');
      const zeros = run.length - digits.length;
      // Equal as numbers: "0" < "00" (a prefix), but "001" < "01" (a zero where the other has a digit).
      const tie = digits.length === 0 ? zeros : 0xffff - zeros;
      key += `10030${hex4(digits.length)}${digits}${hex4(tie)}`;
    } else {
      for (let i = 0; i < run.length; i++) key += `1${hex4(run.charCodeAt(i))}`;
      key += '0';
    }
  }
  return key;
}

const RUN = /(\d+)|(\D+)/g;
const hex4 = (n: number) => Math.min(n, 0xffff).toString(16).padStart(4, '0');
