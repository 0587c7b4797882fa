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
  // A test id is matched by its last "::" part too, since logs often print only the test name.
  const names = [...new Set(failingTests.flatMap((t) => [t, t.split('::').pop() ?? t]).filter((t) => t.length > 3))];
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
