export interface Finding {
  check: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  sample: string;
  description: string;
}
export interface Allowed {
  check: string;
  file?: string;
  sample?: string;
  why: string;
  shownBy?: string;
}
export function parseCsv(text: string): string[][];
export function readFindings(csv: string): Finding[];
export function judge(
  findings: Finding[],
  allowlist: Allowed[],
): { failing: Finding[]; allowed: (Finding & { why: string })[]; other: Finding[]; stale: Allowed[] };
