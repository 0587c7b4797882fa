import type { ImportNewVersion } from '../../shared/types.ts';
import type { EntryRow, Store } from '../data/index.ts';

/**
 * Content versions of an entry. An import that replaces an entry's content (with `--new-version`)
 * keeps the earlier content here; labels keep the content hash they were made on, so those made
 * on the earlier content are flagged for review until their annotator sets them again.
 */

/** What an entry holds that labels are made on, and the test log kept with it. */
export interface ContentState {
  prompt: string;
  groundTruth: string;
  output: string;
  testLog: string;
  /** The entry's other named texts (an entry of another shape), by stored name. */
  texts: Record<string, string>;
  passed: boolean | null;
}

/** What the labels of an entry are made on: the texts an annotator reads, and whether the output passed. */
export const CONTENT_FIELDS = ['prompt', 'groundTruth', 'output', 'passed'] as const;
/** A Deep-Bench content field, or the stored name of another text (which labels are made on too). */
export type ContentField = (typeof CONTENT_FIELDS)[number] | (string & {});
const deepBenchWords: Record<string, string> = { prompt: 'prompt', groundTruth: 'ground truth', output: 'output', passed: 'passed' };
/** A content field in words. */
export const fieldWords = (f: ContentField): string => deepBenchWords[f] ?? f.replace(/_/g, ' ');

const isEmpty = (v: string | boolean | null | undefined) => v === undefined || v === null || v === '';

/**
 * The content fields an import replaces: ones that held something and now hold something else.
 * Filling a field that was empty (Taxonomy-Data's code after Deep-Bench's prompt) is not a change.
 */
export function contentChanges(before: ContentState, after: ContentState): ContentField[] {
  const named = Object.keys(before.texts).filter((name) => !isEmpty(before.texts[name]) && before.texts[name] !== (after.texts[name] ?? ''));
  return [...CONTENT_FIELDS.filter((f) => !isEmpty(before[f]) && before[f] !== after[f]), ...named];
}

/**
 * Records that an import changed an entry's content (the row, read before the update, holds the
 * earlier content hash): filled in, the entry keeps its version; `replaced` (an import with
 * --new-version), it starts the next version, keeping the texts it replaced, and the change is
 * logged. Returns the new version when one was started.
 */
export function recordContentChange(
  store: Store,
  w: { row: EntryRow; before: ContentState; after: ContentState; afterHash: string; replaced: boolean; actor: string; at: string },
): ImportNewVersion | null {
  const known = store.entryVersions.of(w.row.id);
  const current = known.find((r) => r.contentHash === w.row.content_hash)?.version ?? 1;
  const next = w.replaced ? Math.max(current, ...known.map((r) => r.version)) + 1 : current;
  const snapshot = (s: ContentState) =>
    JSON.stringify({ prompt: s.prompt, groundTruth: s.groundTruth, output: s.output, testLog: s.testLog, ...(Object.keys(s.texts).length ? { texts: s.texts } : {}) });
  const passed = (s: ContentState) => (s.passed === null ? null : s.passed ? 1 : 0);
  store.entryVersions.record(w.row.id, {
    contentHash: w.row.content_hash,
    version: current,
    passed: passed(w.before),
    fields: w.replaced ? snapshot(w.before) : null,
    recordedAt: w.row.updated_at,
  });
  store.entryVersions.record(w.row.id, { contentHash: w.afterHash, version: next, passed: passed(w.after), fields: null, recordedAt: w.at });
  if (!w.replaced) return null;
  const fields = contentChanges(w.before, w.after);
  store.events.append({
    actor: w.actor,
    kind: 'entry.version',
    entryId: w.row.ext_id,
    before: { version: current, contentHash: w.row.content_hash },
    after: { version: next, contentHash: w.afterHash, fields },
    at: w.at,
  });
  // How many labels are flagged is counted once the import's own labels are written.
  return { entryId: w.row.ext_id, version: next, fields, flagged: 0 };
}
