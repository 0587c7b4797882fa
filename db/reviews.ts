import type { LabelValue } from '../shared/codebook/index.ts';
import { ConcordError } from '../shared/errors.ts';
import { DEFAULT_REVIEW_PAGE } from '../shared/queue-page.ts';
import type { ReviewItem, ReviewPage } from '../shared/types.ts';
import type { Db } from './database.ts';
import { openStore, type ReviewRow } from './data/index.ts';
import { confirmLabel, labellerNamed } from './labels.ts';

/**
 * Labels made under an older meaning of the codebook, to look at again. A codebook change of
 * meaning flags the labels it touches (db/codebook-edit.ts); a flag stays open until the label's
 * annotator labels that dimension again under a newer version (any writer: the app, a pack) or
 * keeps the label as it is (`confirmReview`). So the list is read, not maintained: a flag is open
 * while the label is older than the change that raised it, or gone and not yet answered.
 */

function item(r: ReviewRow): ReviewItem {
  return {
    entryId: r.entry,
    annotator: r.annotator,
    dimension: r.dimension,
    version: r.version,
    reason: r.reason,
    since: r.created_at,
    value: r.value === null ? null : (JSON.parse(r.value) as LabelValue),
    labelVersion: r.label_version,
  };
}

/**
 * A page of every open re-review item (the lead's list), by annotator then entry, with how many
 * each annotator has open.
 */
export function reviewPage(db: Db, { offset = 0, limit = DEFAULT_REVIEW_PAGE }: { offset?: number; limit?: number } = {}): ReviewPage {
  const store = openStore(db);
  return store.transaction(() => {
    const byAnnotator = store.reviews.openCounts();
    return { total: byAnnotator.reduce((n, a) => n + a.open, 0), byAnnotator, offset, items: store.reviews.openPage(offset, limit).map(item) };
  });
}

/** One annotator's open re-review items: all of them, or with `entryId`, that entry's. */
export function reviewsOf(db: Db, annotator: string, entryId?: string): ReviewItem[] {
  const store = openStore(db);
  const a = store.annotators.byName(annotator);
  if (!a) throw new ConcordError('not-found', `unknown annotator "${annotator}": add yourself first`, { field: 'annotator' });
  if (entryId === undefined) return store.reviews.openOf(a.id).map(item);
  const entry = store.entries.ref(entryId);
  if (!entry) throw new ConcordError('not-found', `unknown entry "${entryId}"`, { field: 'entryId' });
  return store.reviews.openOf(a.id, entry.rowId).map(item);
}

/**
 * An annotator keeps their label as it is under the current codebook (or, when the change
 * removed it, leaves it empty): the flag is answered. Returns the items still open on the entry.
 */
export function confirmReview(db: Db, args: { annotator: string; entryId: string; dimension: string }): ReviewItem[] {
  const store = openStore(db);
  const a = labellerNamed(store, args.annotator);
  const entry = store.entries.ref(args.entryId);
  if (!entry) throw new ConcordError('not-found', `unknown entry "${args.entryId}"`, { field: 'entryId' });
  const codebook = store.project.codebook();
  store.transaction(() => {
    const row = store.reviews.get(entry.rowId, a.id, args.dimension);
    if (!row) throw new ConcordError('not-found', `nothing of ${a.name} on ${entry.id} › ${args.dimension} is listed for re-review`, { field: 'dimension' });
    confirmLabel(store, { entry, annotator: a, dimension: args.dimension, codebookVersion: codebook.version });
    store.reviews.delete(entry.rowId, a.id, args.dimension);
    store.events.append({ actor: a.name, kind: 'review.done', entryId: entry.id, dimension: args.dimension, before: { reason: row.reason, version: row.version }, after: { kept: row.value !== null } });
  });
  return reviewsOf(db, a.name, entry.id);
}
