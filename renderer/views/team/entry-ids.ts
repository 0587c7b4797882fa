/**
 * Entry ids typed or pasted one per line. Ids may contain commas and spaces ("classes-Foo, 10"), so
 * only line breaks separate them; spaces around a line, blank lines and repeats are dropped.
 */
export function parseEntryIds(text: string): string[] {
  const seen = new Set<string>();
  for (const line of text.split(/\r\n|\r|\n/)) {
    const id = line.trim();
    if (id) seen.add(id);
  }
  return [...seen];
}
