import { basename } from 'node:path';
import { matchKey } from '../../shared/codebook/schema.ts';
import type { ImportWarning, ImportWarningGroup, UnplacedValue } from '../../shared/types.ts';

/**
 * Import warnings come one per file and problem (the full list, for `--json`); people read them
 * grouped, one line per kind with a count. The kinds and their lines live here, in one place, so
 * the CLI and the import dialog say the same thing.
 */
export const warningKinds = {
  noTask: 'no-published-task',
  noStage: 'no-published-stage',
  noInput: 'no-published-input',
  swapped: 'stage-data-swapped',
  /** `moved:<field>-><dimension>`: a value placed on the dimension of another field. */
  moved: (field: string, dimension: string) => `moved:${field}->${dimension}`,
  unplaced: 'unplaced-value',
  fieldLikeLine: 'field-like-line-in-prompt',
  noTail: 'no-fields-after-prompt',
  noEntry: 'result-without-entry',
  noResult: 'entry-without-result',
  conflict: 'label-conflicts-with-result',
  /** A file in the folder that was not read: a symbolic link, a pipe, a device. */
  notRead: 'not-read',
  /** An import row kept out: the annotator's own label (made in Concord) is newer than any file. */
  kept: 'label-kept',
  /** Two entry ids that differ only in case (Foo and foo). */
  caseTwins: 'ids-differ-in-case',
} as const;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** How a dimension and a field are named in a sentence. */
const dimensionWords: Record<string, string> = { stage: 'stage', task: 'task', input: 'input type' };
const words = (dimension: string) => dimensionWords[dimension] ?? dimension;

/** "a.txt, b.txt and 3 more": file names enough to find the files, never a wall of text. */
export function someFiles(files: string[], max = 3): string {
  const shown = files.slice(0, max).join(', ');
  return files.length > max ? `${shown} and ${files.length - max} more` : shown;
}

/** The metadata key that keeps a published value of `field` the codebook could not place. */
export function publishedKey(field: string): string {
  return `published${field.charAt(0).toUpperCase()}${field.slice(1)}`;
}

/** Published values left unplaced, one per field and value (case and spacing ignored), in first-seen order. */
export function unplacedValues(warnings: ImportWarning[]): UnplacedValue[] {
  const byValue = new Map<string, UnplacedValue>();
  for (const w of warnings) {
    if (w.kind !== warningKinds.unplaced || w.value === undefined || w.field === undefined) continue;
    const key = `${w.field}\u0000${matchKey(w.value)}`;
    let u = byValue.get(key);
    if (!u) {
      u = { field: w.field, value: w.value, count: 0, files: [], metadataKey: publishedKey(w.field) };
      byValue.set(key, u);
    }
    u.count++;
    u.files.push(basename(w.file));
  }
  return [...byValue.values()];
}

function groupLine(kind: string, list: ImportWarning[]): string {
  const n = list.length;
  const entries = plural(n, 'entry has', 'entries have');
  switch (kind) {
    case warningKinds.noTask:
      return `${entries} no published task: imported as General`;
    case warningKinds.noStage:
      return `${entries} no published stage`;
    case warningKinds.noInput:
      return `${entries} no published input type`;
    case warningKinds.swapped:
      return `${entries} stage and data swapped: imported as input type and stage`;
    case warningKinds.unplaced: {
      const values = unplacedValues(list);
      const each = values.map((u) => `${u.field} "${u.value}" (${plural(u.files.length, 'file', 'files')}: ${someFiles(u.files)})`);
      return `${plural(n, 'value', 'values')} not placed: ${each.join(', ')}; kept in the entries' metadata (${[...new Set(values.map((u) => u.metadataKey))].join(', ')})`;
    }
    case warningKinds.fieldLikeLine:
      return `${entries} a line in the prompt that looks like a field, kept in the prompt (${someFiles(list.map((w) => `${basename(w.file)} line ${w.line}`), 2)})`;
    case warningKinds.noTail:
      return `${entries} no ground Truth, repo, function or test_cases after the prompt`;
    case warningKinds.noEntry:
      return `${plural(n, 'result has', 'results have')} no entry file: created from the Taxonomy-Data files alone, without a prompt`;
    case warningKinds.noResult:
      return `${entries} no Result file: pass/fail unknown`;
    case warningKinds.notRead:
      return `${plural(n, 'file was', 'files were')} not read (symbolic links, pipes or devices): ${someFiles(list.map((w) => basename(w.file)))}; copy the files themselves into the folder to import them`;
    case warningKinds.kept:
      return `${plural(n, 'label was', 'labels were')} kept as the project has ${n === 1 ? 'it' : 'them'}: the annotator made or cleared ${n === 1 ? 'it' : 'them'} in Concord, which is newer than any file (${someFiles(list.map((w) => w.message), 2)})`;
    case warningKinds.caseTwins:
      return `${plural(n, 'entry id differs', 'entry ids differ')} from another only in upper and lower case (${someFiles(list.map((w) => w.message), 2)}); imported as separate entries`;
    case warningKinds.conflict:
      return `${plural(n, 'label conflicts', 'labels conflict')} with the entry's test result (e.g. a bug on an output that passed): imported, and listed as conflicts for the lead to resolve`;
  }
  const moved = /^moved:(\w+)->(\w+)$/.exec(kind);
  if (moved) return `${entries} the ${words(moved[2])} in the ${moved[1]} field: imported as ${words(moved[2])}`;
  return `${plural(n, 'warning', 'warnings')}: ${list[0].message}`;
}

/**
 * One line per kind, in the order each kind first appears. A warning without a kind is its own
 * line, with its place: it says something only that file can explain.
 */
export function groupWarnings(warnings: ImportWarning[]): ImportWarningGroup[] {
  const byKind = new Map<string, ImportWarning[]>();
  const out: (ImportWarningGroup | string)[] = [];
  for (const w of warnings) {
    if (!w.kind) {
      const place = [w.file, w.line !== undefined ? `line ${w.line}` : '', w.field ? `field "${w.field}"` : ''].filter(Boolean).join(', ');
      out.push({ kind: 'other', count: 1, message: place ? `${place}: ${w.message}` : w.message });
      continue;
    }
    let list = byKind.get(w.kind);
    if (!list) {
      list = [];
      byKind.set(w.kind, list);
      out.push(w.kind);
    }
    list.push(w);
  }
  return out.map((g) => (typeof g === 'string' ? { kind: g, count: byKind.get(g)!.length, message: groupLine(g, byKind.get(g)!) } : g));
}
