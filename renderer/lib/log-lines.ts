export type LogLineKind = 'fail' | 'error' | 'pass' | 'plain';

export interface LogLine {
  /** 1-based line number in the log. */
  n: number;
  text: string;
  kind: LogLineKind;
}

const FAIL = /\bFAILED\b|\bFAIL\b|^_{3,} .+ _{3,}$|\bfailed\b.*\bin \d/;
const ERROR = /^E\s|^\s*Traceback \(most recent call last\)|\b[A-Z]\w*(Error|Exception)\b(:|$)|^ERROR\b/;
const PASS = /\bPASSED\b|^=+ \d+ passed/;

/**
 * Marks the lines of a pytest log that a reader looks for: failures (FAILED, section headers of
 * failing tests, lines naming a failing test), error lines (E ..., tracebacks, exceptions) and passes.
 */
export function classifyLog(log: string, failingTests: string[] = []): LogLine[] {
  if (!log) return [];
  // Only full node ids: a bare test name also matches its own `def test_x` line in a traceback.
  const names = [...new Set(failingTests.filter((t) => t.includes('::')))];
  return log
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((text, i) => {
      let kind: LogLineKind = 'plain';
      if (FAIL.test(text)) kind = 'fail';
      else if (ERROR.test(text)) kind = 'error';
      else if (PASS.test(text)) kind = 'pass';
      else if (names.some((n) => text.includes(n))) kind = 'fail';
      return { n: i + 1, text, kind };
    });
}
