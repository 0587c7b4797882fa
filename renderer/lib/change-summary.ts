import { diffLines } from 'diff';

export interface ChangeSummary {
  added: number;
  removed: number;
  unchanged: number;
}

const withFinalNewline = (s: string) => (s === '' || s.endsWith('\n') ? s : s + '\n');

/** Lines the output adds to and removes from the ground truth (CRLF and a missing final newline do not count). */
export function summarizeChanges(groundTruth: string, output: string): ChangeSummary {
  const a = withFinalNewline(groundTruth.replace(/\r\n/g, '\n'));
  const b = withFinalNewline(output.replace(/\r\n/g, '\n'));
  const out: ChangeSummary = { added: 0, removed: 0, unchanged: 0 };
  for (const part of diffLines(a, b)) {
    const n = part.count ?? 0;
    if (part.added) out.added += n;
    else if (part.removed) out.removed += n;
    else out.unchanged += n;
  }
  return out;
}
