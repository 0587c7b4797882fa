import { badInput } from '../../shared/errors.ts';
import type { EntryFields } from './plan.ts';

/** Taxonomy-Data files are `processed_<id>.py|txt`; `<id>` is the Deep-Bench entry id. */
export function taxonomyIdOf(fileName: string): string {
  return fileName.replace(/\.(py|txt)$/i, '').replace(/^processed_/, '');
}

const sectionNames: Record<string, string> = {
  outputfile: 'output file',
  function: 'function',
  errorcases: 'Error Cases',
  passorfailed: 'Pass or Failed',
  relatedfailedtestcases: 'Related Failed Test Cases',
  alltestcasesongeneratedcode: 'All Test Cases On Generated code',
};
const headerLine = /^\s*([A-Za-z][A-Za-z ]*?)\s*:(.*)$/;
const norm = (s: string) => s.toLowerCase().replace(/\s+/g, '');

export interface ResultFields extends EntryFields {
  passed: boolean;
  failingTests: string[];
  testLog: string;
  function?: string;
}

interface Section {
  line: number;
  text: string;
}

/**
 * Reads a Result file: header lines each followed by their value, then the full pytest log
 * after "All Test Cases On Generated code:" (read verbatim to the end, whatever it contains).
 */
export function parseResultFile(text: string, file: string): ResultFields {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  const sections = new Map<string, Section>();
  let current: Section | null = null;
  for (let k = 0; k < lines.length; k++) {
    const m = headerLine.exec(lines[k]);
    const key = m ? norm(m[1]) : '';
    if (m && key in sectionNames) {
      if (sections.has(key)) throw badInput(`section "${sectionNames[key]}" appears twice`, { file, line: k + 1, field: sectionNames[key] });
      if (key === 'alltestcasesongeneratedcode') {
        const rest = [m[2].trimStart(), ...lines.slice(k + 1)];
        sections.set(key, { line: k + 1, text: (rest[0] === '' ? rest.slice(1) : rest).join('\n').replace(/\s+$/, '') + '\n' });
        break;
      }
      current = { line: k + 1, text: m[2].trim() };
      sections.set(key, current);
      continue;
    }
    if (!current) {
      if (lines[k].trim()) throw badInput(`unexpected text before the first section: "${lines[k].trim().slice(0, 60)}"`, { file, line: k + 1 });
      continue;
    }
    current.text = current.text ? `${current.text}\n${lines[k]}` : lines[k];
  }

  const pf = sections.get('passorfailed');
  if (!pf) throw badInput('no "Pass or Failed:" line', { file, line: 1, field: 'Pass or Failed' });
  const flag = pf.text.trim();
  if (flag !== '0' && flag !== '1') throw badInput(`"Pass or Failed" must be 0 or 1, not "${flag}"`, { file, line: pf.line, field: 'Pass or Failed' });
  const passed = flag === '1';

  const testLog = sections.get('alltestcasesongeneratedcode')?.text ?? '';
  const related = sections.get('relatedfailedtestcases');
  let failingTests = related ? parseFailedSet(related.text, file, related.line) : [];
  // Some results list nothing although they fail; the log's summary still names the failures.
  if (!passed && failingTests.length === 0) failingTests = failedFromLog(testLog);
  const fn = sections.get('function')?.text.trim();
  return { passed, failingTests: passed ? [] : failingTests, testLog, function: fn || undefined };
}

/**
 * Reads the Python set literal of failed tests (`{'FAILED a.py::t - Err', 'a.py::t FAILED [50%]'}`,
 * `set()`, or nothing) and reduces each item to its pytest node id, without duplicates.
 */
export function parseFailedSet(text: string, file: string, line: number): string[] {
  const s = text.trim();
  if (s === '' || s === 'set()' || s === '{}' || s === '[]' || s === 'None') return [];
  const open = s[0];
  const close = open === '{' ? '}' : open === '[' ? ']' : open === '(' ? ')' : '';
  if (!close || s[s.length - 1] !== close)
    throw badInput('expected a Python set literal such as {\'tests/x.py::test_y\'}', { file, line, field: 'Related Failed Test Cases' });
  const items: string[] = [];
  let i = 1;
  const end = s.length - 1;
  while (i < end) {
    const c = s[i];
    if (/[\s,]/.test(c)) {
      i++;
      continue;
    }
    if (c !== "'" && c !== '"') throw badInput(`unexpected "${c}" in the set of failed tests`, { file, line, field: 'Related Failed Test Cases' });
    let j = i + 1;
    let out = '';
    while (j < end && s[j] !== c) {
      if (s[j] === '\\' && j + 1 < end) {
        const e = s[j + 1];
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
        j += 2;
      } else out += s[j++];
    }
    if (j >= end) throw badInput('a quoted test id is never closed', { file, line, field: 'Related Failed Test Cases' });
    items.push(out);
    i = j + 1;
  }
  return unique(items.map(nodeIdOf).filter(Boolean));
}

/**
 * `FAILED a.py::T::t - Err...`, `a.py::T::t FAILED [ 50%]` and `a.py::T::t` all name `a.py::T::t`.
 * A parametrized id keeps its whole bracket, spaces included: `a.py::t[shape=(1, 2)-cpu]`.
 */
export function nodeIdOf(item: string): string {
  const m = /(\S+?\.py(?:::[^\s[]+)+)/.exec(item);
  if (m) return m[1] + paramsAt(item, m.index + m[1].length);
  return item
    .replace(/^\s*(FAILED|ERROR)\s+/, '')
    .replace(/\s+-\s.*$/s, '')
    .replace(/\s+(FAILED|ERROR|PASSED)\b.*$/s, '')
    .trim();
}

/** The `[...]` of a parametrized test starting at `at` (brackets may nest), or ''. */
function paramsAt(s: string, at: number): string {
  if (s[at] !== '[') return '';
  let depth = 0;
  for (let i = at; i < s.length; i++) {
    if (s[i] === '[') depth++;
    else if (s[i] === ']' && --depth === 0) return s.slice(at, i + 1);
  }
  return '';
}

function failedFromLog(log: string): string[] {
  const ids: string[] = [];
  for (const m of log.matchAll(/^(?:FAILED|ERROR) (\S+::.*)$/gm)) ids.push(nodeIdOf(m[1]));
  return unique(ids);
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
