import type { Codebook, Dimension } from '../../shared/codebook/schema.ts';
import { matchKey } from '../../shared/codebook/schema.ts';
import { findDimension, matchValue } from '../../shared/codebook/values.ts';
import { badInput, ConcordError } from '../../shared/errors.ts';
import type { EntryMetadata, ImportWarning } from '../../shared/types.ts';
import type { EntryFields, PlannedLabel } from './plan.ts';
import { publishedKey, warningKinds } from './warnings.ts';

/** The annotator that carries the labels published with the Deep-Bench release. */
export const PUBLISHED_ANNOTATOR = 'deepbench-published';

/** The head fields of an entry file and the dimension each one names. */
export const headFields = { stage: 'stage', task: 'task', data: 'input' } as const;
export type HeadField = keyof typeof headFields;
const headFieldNames = Object.keys(headFields) as HeadField[];

/**
 * A team's reading of a published value the codebook cannot place, given at import:
 * `--map task:Prediction=time-series-prediction`.
 */
export interface PublishedMap {
  dimension: string;
  published: string;
  value: string;
}

export interface DlbenchEntry {
  extId: string;
  fields: EntryFields;
  labels: PlannedLabel[];
  warnings: ImportWarning[];
}

// Keys as written in the release, normalised: case, spaces and underscores ignored ("ground Truth" -> groundtruth).
const normKey = (k: string) => k.toLowerCase().replace(/[\s_]+/g, '');
/** The fields after the prompt, in the order the release writes them (function and f_name are one field). */
const tailOrder: Record<string, number> = { groundtruth: 0, repo: 1, class: 2, function: 3, fname: 3, testcases: 4 };
// "key:value"; "::" is not a key (a pytest id such as "TestFoo::test_bar" on a line of its own).
const keyLine = /^(\s*)([A-Za-z][A-Za-z _]*?)\s*:(?!:)(.*)$/;
const isBlank = (s: string) => s.trim() === '';

interface KeyAt {
  key: string;
  norm: string;
  value: string;
}

/** A key line as it can start a field after the prompt: at the left margin or after one space, no tab. */
function marginKey(raw: string): KeyAt | null {
  const m = keyLine.exec(raw);
  if (!m || m[1].length > 1 || m[1] === '\t') return null;
  return { key: m[2].trim(), norm: normKey(m[2]), value: m[3] };
}

/** The entry id of a Deep-Bench file: its name without `.txt` (spaces, commas and dots kept). */
export function entryIdOf(fileName: string): string {
  return fileName.replace(/\.txt$/i, '');
}

/**
 * Where the fields after the prompt begin, or null when there are none. What ends a prompt in
 * the release is a block of fields at the end of the file, not any line that looks like one:
 * a prompt documents arguments named `ground_truth:` (indented, in a docstring), shows code with
 * `repo: str` or `function: Callable`, even quotes a `prompt:`. So a line starts the fields when
 *   1. it is a field of the tail (ground Truth, repo, class, function or f_name, test_cases), at the
 *      left margin or after ONE space (the release writes " ground Truth:"), not after a tab;
 *   2. a blank line (or the `prompt:` line) comes right before it;
 *   3. from there to the end, every paragraph starts with such a key line (a value may wrap onto
 *      the lines below its key, never after a blank line), and
 *   4. the tail fields come in the release's order, each at most once (other keys once each).
 * The first line that passes all four wins; everything above it is prompt. Checking 3 and 4 from
 * the end of the file keeps this one pass, whatever the file holds.
 */
function tailStart(lines: string[], promptLine: number): { start: number | null; kept: number[] } {
  // The last line that would break 3 or 4 for any start at or before it.
  let lastBreak = -1;
  let minRank = Infinity;
  const seen = new Set<string>();
  for (let i = lines.length - 1; i > promptLine; i--) {
    if (isBlank(lines[i])) continue;
    const k = marginKey(lines[i]);
    if (!k) {
      if (lastBreak < 0 && isBlank(lines[i - 1]) && i - 1 > promptLine) lastBreak = i;
      continue;
    }
    const rank = tailOrder[k.norm];
    const breaks = seen.has(k.norm) || (rank !== undefined && rank >= minRank);
    if (breaks && lastBreak < 0) lastBreak = i;
    seen.add(k.norm);
    if (rank !== undefined) minRank = Math.min(minRank, rank);
  }
  const kept: number[] = [];
  for (let i = promptLine + 1; i < lines.length; i++) {
    const k = marginKey(lines[i]);
    if (!k || tailOrder[k.norm] === undefined || !(i - 1 === promptLine || isBlank(lines[i - 1]))) continue;
    if (i > lastBreak) return { start: i, kept };
    kept.push(i);
  }
  return { start: null, kept };
}

interface HeadValue {
  value: string;
  line: number;
}

/**
 * Reads one Deep-Bench entry file (format 1): the head (stage, task, data), the prompt, then the
 * fields after it (see `tailStart`). Published values become labels of the published annotator
 * (see `placePublished`); what cannot be placed is a warning and stays in the metadata, never an
 * error: the release is messy and a team still wants the entry.
 */
export function parseDlbenchEntry(text: string, file: string, fileName: string, codebook: Codebook, maps: PublishedMap[] = []): DlbenchEntry {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  const warnings: ImportWarning[] = [];

  const isPrompt = (raw: string) => normKey(keyLine.exec(raw)?.[2] ?? '') === 'prompt';
  const noPrompt = () => badInput('no "prompt:" key: this is not a Deep-Bench entry file', { file, line: 1, field: 'prompt' });

  // The head: stage, task and data in any order, blank lines, then `prompt:`.
  const head = new Map<string, HeadValue>();
  let promptLine = -1;
  for (let i = 0; i < lines.length && promptLine < 0; i++) {
    const raw = lines[i];
    if (isBlank(raw)) continue;
    const m = keyLine.exec(raw);
    const key = m ? normKey(m[2]) : '';
    if (isPrompt(raw)) promptLine = i;
    else if (m && key in headFields) {
      if (head.has(key)) throw badInput(`"${m[2].trim()}:" appears twice (first on line ${head.get(key)!.line})`, { file, line: i + 1, field: m[2].trim() });
      head.set(key, { value: m[3].trim(), line: i + 1 });
    } else if (m && key in tailOrder && !lines.some(isPrompt)) throw noPrompt();
    else
      throw badInput(`unexpected line "${raw.trim().slice(0, 60)}" before the prompt (expected stage:, task:, data: or prompt:)`, {
        file,
        line: i + 1,
        field: m ? m[2].trim() : undefined,
      });
  }

  if (promptLine < 0) throw noPrompt();

  const { start, kept } = tailStart(lines, promptLine);
  const end = start ?? lines.length;
  const first = keyLine.exec(lines[promptLine])![3];
  const promptText = [first, ...lines.slice(promptLine + 1, end)].join('\n').replace(/^\s*\n/, '').trim();
  if (!promptText) throw badInput('the prompt is empty', { file, line: promptLine + 1, field: 'prompt' });
  for (const i of kept.slice(0, 1))
    warnings.push({
      file,
      line: i + 1,
      field: 'prompt',
      kind: warningKinds.fieldLikeLine,
      message: `"${marginKey(lines[i])!.key}:" on line ${i + 1} looks like a field but is kept in the prompt: ${start === null ? 'no well-formed block of fields follows it' : `the fields begin on line ${start + 1}`}`,
    });
  if (start === null) warnings.push({ file, line: promptLine + 1, kind: warningKinds.noTail, message: 'no ground Truth, repo, function or test_cases after the prompt' });

  // The tail: each key line starts a field; lines below it (not after a blank) continue its value.
  const tail = new Map<string, { key: string; value: string }>();
  let last: { key: string; value: string } | null = null;
  for (let i = end; i < lines.length; i++) {
    if (isBlank(lines[i])) continue;
    const k = marginKey(lines[i]);
    if (k) {
      last = { key: k.key, value: k.value.trim() };
      // Keys the release adds now and then ("libraries:") are kept as metadata under their own name.
      tail.set(k.norm in tailOrder ? k.norm : k.key.replace(/\s+(\w)/g, (_, c: string) => c.toUpperCase()), last);
    } else if (last) last.value = last.value ? `${last.value}\n${lines[i].trim()}` : lines[i].trim();
  }
  const get = (k: string) => tail.get(k)?.value || undefined;
  const extras = [...tail].filter(([k, v]) => !(k in tailOrder) && v.value).map(([k, v]) => [k, v.value]);

  const extId = entryIdOf(fileName);
  const placed = placePublished(head, codebook, maps, { file, extId });
  warnings.push(...placed.warnings);
  const metadata: EntryMetadata = {
    ...Object.fromEntries(extras),
    ...placed.metadata,
    sourceFile: fileName,
    repo: get('repo'),
    function: get('function') ?? get('fname'),
    class: get('class'),
    groundTruthPath: get('groundtruth'),
    testCases: get('testcases'),
  };
  return { extId, fields: { prompt: promptText, metadata }, labels: placed.labels, warnings };
}

interface Placement {
  labels: PlannedLabel[];
  warnings: ImportWarning[];
  /** Values left unplaced, under `published<Field>`. */
  metadata: EntryMetadata;
}

/**
 * Turns the head's published values into labels of the published annotator. A value goes to the
 * dimension it matches (by id, label or alias, or by a team's `--map`), not to the one its field
 * names: the release puts stages in `data:` and input types in `stage:`. A value that matches its
 * own field's dimension stays there; otherwise it moves when exactly one other dimension matches
 * and that dimension has no value of its own. Anything else (no match, two readings) is left
 * unplaced, kept in the metadata and reported.
 */
function placePublished(head: Map<string, HeadValue>, codebook: Codebook, maps: PublishedMap[], at: { file: string; extId: string }): Placement {
  const out: Placement = { labels: [], warnings: [], metadata: {} };
  const dims = new Map<HeadField, Dimension>();
  for (const f of headFieldNames) {
    const d = findDimension(codebook, headFields[f]);
    if (d) dims.set(f, d);
  }
  if (!dims.size) return out;
  /** The dimensions a value can be read as: a team's map first, else the codebook. */
  const readings = (value: string): { dim: Dimension; valueId: string; label: string }[] => {
    const mapped = maps.filter((m) => matchKey(m.published) === matchKey(value));
    const found: { dim: Dimension; valueId: string; label: string }[] = [];
    for (const dim of dims.values()) {
      const byMap = mapped.find((m) => m.dimension === dim.id);
      const v = byMap ? dim.values.find((x) => x.id === byMap.value) : mapped.length ? undefined : matchValue(dim.values, value);
      if (v) found.push({ dim, valueId: v.id, label: v.label });
    }
    return found;
  };

  const onDim = new Map<string, { field: HeadField; valueId: string; label: string; line: number }>();
  const pending: { field: HeadField; others: ReturnType<typeof readings> }[] = [];
  for (const f of headFieldNames) {
    const h = head.get(f);
    if (!h?.value) continue;
    const all = readings(h.value);
    const own = all.find((r) => r.dim === dims.get(f));
    if (own) onDim.set(own.dim.id, { field: f, valueId: own.valueId, label: own.label, line: h.line });
    else pending.push({ field: f, others: all });
  }
  const moved: { field: HeadField; dim: Dimension }[] = [];
  const targets = (dimId: string) => pending.filter((p) => p.others.some((r) => r.dim.id === dimId && !onDim.has(dimId))).length;
  const moves = pending.map((p) => {
    const free = p.others.filter((r) => !onDim.has(r.dim.id));
    return free.length === 1 && targets(free[0].dim.id) === 1 ? free[0] : null;
  });
  pending.forEach((p, i) => {
    const h = head.get(p.field)!;
    const r = moves[i];
    if (r) {
      onDim.set(r.dim.id, { field: p.field, valueId: r.valueId, label: r.label, line: h.line });
      moved.push({ field: p.field, dim: r.dim });
      return;
    }
    out.metadata[publishedKey(p.field)] = h.value;
    const why = p.others.length > 1 ? `it could be ${p.others.map((r) => `${r.dim.label.toLowerCase()} ${r.label}`).join(' or ')}` : 'the codebook has no such value';
    out.warnings.push({
      file: at.file,
      line: h.line,
      field: p.field,
      kind: warningKinds.unplaced,
      value: h.value,
      message: `"${h.value}" is not placed (${why}); kept as metadata ${publishedKey(p.field)} (map it with --map <dimension>:${h.value}=<value id>, or an alias in the codebook)`,
    });
  });

  for (const [dimId, v] of onDim) out.labels.push({ extId: at.extId, annotator: PUBLISHED_ANNOTATOR, dimension: dimId, value: v.valueId, source: { file: at.file, line: v.line, field: v.field } });

  // What a reader should know about the head, one warning of a kind each.
  const swap = moved.length === 2 && moved.some((m) => m.field === 'stage' && m.dim.id === headFields.data) && moved.some((m) => m.field === 'data' && m.dim.id === headFields.stage);
  if (swap) {
    const s = head.get('stage')!;
    const d = head.get('data')!;
    out.warnings.push({
      file: at.file,
      line: s.line,
      field: 'stage',
      kind: warningKinds.swapped,
      message: `stage and data are swapped ("stage: ${s.value}", "data: ${d.value}"); imported as stage ${onDim.get(headFields.stage)?.label}, input type ${onDim.get(headFields.data)?.label}`,
    });
  } else
    for (const m of moved) {
      const h = head.get(m.field)!;
      out.warnings.push({
        file: at.file,
        line: h.line,
        field: m.field,
        kind: warningKinds.moved(m.field, m.dim.id),
        message: `the ${m.field} field holds a ${m.dim.label.toLowerCase()} ("${h.value}"); imported as ${m.dim.label.toLowerCase()} ${onDim.get(m.dim.id)!.label}`,
      });
    }
  const taskDim = dims.get('task');
  if (taskDim && !head.get('task')?.value && !onDim.has(taskDim.id)) {
    const general = matchValue(taskDim.values, 'General');
    if (general) {
      const line = head.get('task')?.line;
      out.labels.push({ extId: at.extId, annotator: PUBLISHED_ANNOTATOR, dimension: taskDim.id, value: general.id, source: { file: at.file, line, field: 'task' } });
      out.warnings.push({ file: at.file, line, field: 'task', kind: warningKinds.noTask, message: 'no published task: imported as General (the paper counts these as General)' });
    }
  }
  for (const [f, kind] of [
    ['stage', warningKinds.noStage],
    ['data', warningKinds.noInput],
  ] as const) {
    const d = dims.get(f);
    if (d && !head.get(f)?.value && !onDim.has(d.id))
      out.warnings.push({ file: at.file, line: head.get(f)?.line, field: f, kind, message: `no published ${d.label.toLowerCase()}` });
  }
  return out;
}

/**
 * Checks a team's maps against the codebook: the dimension must be one the head publishes
 * (stage, task, input) and the value one of its values (id, label or alias). A bad map is a
 * usage error, before anything is read.
 */
export function resolveMaps(maps: PublishedMap[], codebook: Codebook): PublishedMap[] {
  const published = Object.values(headFields)
    .map((id) => findDimension(codebook, id))
    .filter((d): d is Dimension => !!d);
  return maps.map((m) => {
    const dim = findDimension(codebook, m.dimension);
    if (!dim || !published.includes(dim))
      throw new ConcordError('usage', `--map ${m.dimension}:${m.published}=${m.value}: "${m.dimension}" is not a published dimension (one of: ${published.map((d) => d.id).join(', ')})`);
    const v = matchValue(dim.values, m.value);
    if (!v)
      throw new ConcordError('usage', `--map ${m.dimension}:${m.published}=${m.value}: ${dim.id} has no value "${m.value}" (ids: ${dim.values.map((x) => x.id).join(', ')})`);
    if (!m.published.trim()) throw new ConcordError('usage', `--map ${m.dimension}:=${m.value}: say which published value to map`);
    return { dimension: dim.id, published: m.published.trim(), value: v.id };
  });
}

/** Reads `<dimension>:<published>=<value id>` (the published value may hold spaces and colons). */
export function parseMapSpec(spec: string): PublishedMap {
  const colon = spec.indexOf(':');
  const eq = spec.lastIndexOf('=');
  if (colon <= 0 || eq < colon + 1 || eq === spec.length - 1)
    throw new ConcordError('usage', `--map "${spec}": write <dimension>:<published value>=<value id>, e.g. task:Prediction=time-series-prediction`);
  return { dimension: spec.slice(0, colon).trim(), published: spec.slice(colon + 1, eq).trim(), value: spec.slice(eq + 1).trim() };
}
