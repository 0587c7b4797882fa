import type { Codebook } from '../../shared/codebook/schema.ts';
import { mimeTypes, type DlbenchSummary, type ExportFile } from '../../shared/tables/export-kinds.ts';
import { settledValue, type FinalEntry } from '../../shared/tables/final.ts';
import type { StudyEntry } from '../adjudication.ts';
import { publishedKey } from '../import/warnings.ts';

/**
 * Deep-Bench entry files (format 1): a release of the benchmark carrying, for stage, task and
 * input type, the team's final value where there is one and the published value otherwise
 * (shared/tables/final.ts), so a value the team has not settled keeps what the release said.
 * The layout copies the published files, so tools that read those read these, and `concord
 * import` reads them back into the same entries, prompts, metadata and labels.
 */

/** A file name for an entry id: characters a file system refuses (and %) are percent-encoded, so names never collide. */
export function entryFileName(id: string): string {
  const safe = id.replace(/[%/\\:*?"<>|\u0000-\u001f\u007f]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  // "." and ".." are not files; a leading dot would hide the file.
  return `${safe.startsWith('.') ? `%2E${safe.slice(1)}` : safe}.txt`;
}

/** The head of an entry file: field name -> codebook dimension. */
const headFields = [
  ['stage', 'stage'],
  ['task', 'task'],
  ['data', 'input'],
] as const;

/** Metadata written as the release's tail fields, in its order; `sourceFile` is the file itself. */
const tailMetadata = new Set(['groundTruthPath', 'repo', 'class', 'function', 'testCases', 'sourceFile']);
/** Field names the importer reads as something else (compared as it does: case, spaces and _ ignored). */
const reservedFields = new Set(['stage', 'task', 'data', 'prompt', 'groundtruth', 'repo', 'function', 'fname', 'class', 'testcases']);

function labelOf(codebook: Codebook, dimension: string, value: unknown): string {
  const dim = codebook.dimensions.find((d) => d.id === dimension);
  if (!dim || typeof value !== 'string') return '';
  return dim.values.find((v) => v.id === value)?.label ?? '';
}

/** Further metadata (keys the release adds now and then) as `key:value` lines the importer keeps under the same key. */
function extraLines(metadata: Record<string, string | undefined>, inHead: Set<string>): { lines: string[]; dropped: string[] } {
  const lines: string[] = [];
  const dropped: string[] = [];
  for (const key of Object.keys(metadata).sort()) {
    const value = metadata[key];
    if (tailMetadata.has(key) || inHead.has(key) || value === undefined || value === '') continue;
    const writable = /^[A-Za-z][A-Za-z_]*$/.test(key) && !reservedFields.has(key.toLowerCase().replace(/_/g, ''));
    if (writable) lines.push(` ${key}:${value}`, '');
    else dropped.push(key);
  }
  return { lines, dropped };
}

export interface DlbenchEntryText {
  text: string;
  /** Where each head field's value came from. */
  sources: Record<string, 'final' | 'published' | 'none'>;
  /** Metadata keys that cannot be written as a field. */
  dropped: string[];
}

export function dlbenchEntryText(codebook: Codebook, entry: StudyEntry, settled: FinalEntry): DlbenchEntryText {
  const m = entry.metadata;
  const sources: Record<string, 'final' | 'published' | 'none'> = {};
  // A published value the codebook could not place (kept by the importer as metadata publishedTask
  // etc.) goes back into its head field where the team has no value, else into a line of its own.
  const inHead = new Set<string>();
  const head = headFields.map(([field, dimension]) => {
    const s = settledValue(settled, dimension);
    const unplaced = m[publishedKey(field)];
    if (s.source === 'none' && unplaced) {
      // Written as the release wrote it, so a reimport lists it as unplaced again (never as General).
      sources[field] = 'published';
      inHead.add(publishedKey(field));
      return `${field}: ${unplaced}`;
    }
    sources[field] = s.source;
    return `${field}: ${labelOf(codebook, dimension, s.value)}`;
  });
  const extras = extraLines(m, inHead);
  const lines = [
    ...head,
    '',
    'prompt:',
    (entry.prompt ?? '').replace(/\r\n?/g, '\n').replace(/\n+$/, ''),
    '',
    ` ground Truth:${m.groundTruthPath ?? ''}`,
    '',
    ` repo:${m.repo ?? ''}`,
    '',
  ];
  if (m.class !== undefined) lines.push(` class:${m.class}`, '');
  lines.push(` function:${m.function ?? ''}`, ' ', ` test_cases:${m.testCases ?? ''}`, '', ...extras.lines);
  return { text: lines.join('\n'), sources, dropped: extras.dropped };
}

const listed = (ids: string[]) => (ids.length <= 10 ? ids.join(', ') : `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more`);

/**
 * The release: an entry file per entry with a prompt, and a summary of where each value came
 * from. An entry without a prompt (one created from Taxonomy-Data alone) is left out and named:
 * the Deep-Bench format has no entry without one, and the importer refuses an empty prompt.
 */
export function dlbenchRelease(codebook: Codebook, entries: StudyEntry[], settled: Map<string, FinalEntry>): { files: ExportFile[]; summary: DlbenchSummary; notes: string[] } {
  const files: ExportFile[] = [];
  const summary: DlbenchSummary = {
    written: 0,
    skipped: [],
    sources: headFields.map(([field, dimension]) => ({ dimension, field, final: 0, published: 0, empty: 0 })),
    renamed: [],
  };
  const dropped = new Map<string, string[]>();
  for (const e of entries) {
    if (!e.prompt?.trim()) {
      summary.skipped.push({ id: e.id, reason: 'no prompt (an entry created from Taxonomy-Data alone has none); a Deep-Bench entry file needs one' });
      continue;
    }
    const out = dlbenchEntryText(codebook, e, settled.get(e.id) ?? { id: e.id, passed: e.passed, finals: {} });
    for (const s of summary.sources) {
      const source = out.sources[s.field];
      if (source === 'none') s.empty++;
      else s[source]++;
    }
    for (const key of out.dropped) dropped.set(key, [...(dropped.get(key) ?? []), e.id]);
    const fileName = entryFileName(e.id);
    if (fileName !== `${e.id}.txt`) summary.renamed.push({ id: e.id, fileName });
    files.push({ fileName, mimeType: mimeTypes.txt, content: out.text, encoding: 'utf8' });
    summary.written++;
  }

  const notes = [
    `${summary.written} entry files: ${summary.sources.map((s) => `${s.field} ${s.final} final, ${s.published} published, ${s.empty} empty`).join('; ')}.`,
  ];
  const emptyTask = summary.sources.find((s) => s.field === 'task')?.empty ?? 0;
  if (emptyTask) notes.push(`${emptyTask} entries have no task, written empty (as the release does): Deep-Bench reads an empty task as General.`);
  if (summary.skipped.length)
    notes.push(`${summary.skipped.length} entries left out, having no prompt (a Deep-Bench entry file needs one): ${listed(summary.skipped.map((s) => s.id))}.`);
  if (summary.renamed.length)
    notes.push(`${summary.renamed.length} entry ids are not usable file names and were written encoded (they read back under the encoded name): ${listed(summary.renamed.map((r) => `${r.id} as ${r.fileName}`))}.`);
  for (const [key, ids] of dropped) notes.push(`Metadata "${key}" cannot be written as a field of an entry file and is not in the release (${ids.length} entries).`);
  return { files, summary, notes };
}
