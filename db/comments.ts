import { ConcordError, badInput } from '../shared/errors.ts';
import type { DisagreementReason, EntryComment, EntryDiscussion, RevisionProposals } from '../shared/types.ts';
import { disagreementReasons } from '../shared/types.ts';
import { pseudonym, readStudy } from './adjudication.ts';
import { now, type Db } from './database.ts';
import { openStore, type CommentRow } from './data/index.ts';
import { labellerNamed } from './labels.ts';
import { goldOf } from './rounds.ts';
import { revisionsOf } from './revisions.ts';

/**
 * The thread on an entry. Written while labelling, a comment is its author's alone: the service
 * answers an annotator with their own comments only, so labelling stays blind. The lead sees
 * everyone's in adjudication, beside the labels, and records why the annotators disagreed.
 */

export const MAX_COMMENT = 10_000;

function toComment(r: CommentRow, name = r.author): EntryComment {
  return { id: r.id, entryId: r.entry, author: name, text: r.text, at: r.created_at };
}

function entryRef(db: Db, id: string) {
  const ref = openStore(db).entries.ref(id);
  if (!ref) throw new ConcordError('not-found', `unknown entry "${id}"`, { field: 'entryId' });
  return ref;
}

/** One author's comments on an entry (never anyone else's). */
export function ownComments(db: Db, args: { annotator: string; entryId: string }): EntryComment[] {
  const store = openStore(db);
  const a = store.annotators.byName(args.annotator);
  if (!a) throw new ConcordError('not-found', `unknown annotator "${args.annotator}": add yourself first`, { field: 'annotator' });
  return store.comments.own(entryRef(db, args.entryId).rowId, a.id).map((r) => toComment(r));
}

export function addComment(db: Db, args: { annotator: string; entryId: string; text: string }): EntryComment[] {
  const store = openStore(db);
  const text = args.text.trim();
  if (!text) throw badInput('a comment needs some text', { field: 'text' });
  if (text.length > MAX_COMMENT) throw badInput(`a comment holds at most ${MAX_COMMENT} characters`, { field: 'text' });
  // The lead may write in a thread too (in adjudication); a published reference may not.
  const a = store.annotators.byName(args.annotator);
  if (!a) throw new ConcordError('not-found', `unknown annotator "${args.annotator}": add yourself first`, { field: 'annotator' });
  if (a.role !== 'adjudicator') labellerNamed(store, a.name);
  const entry = entryRef(db, args.entryId);
  store.transaction(() => {
    const at = now();
    const id = store.comments.insert(entry.rowId, a.id, text, at);
    store.events.append({ actor: a.name, kind: 'comment.add', entryId: entry.id, after: { id, text }, at });
  });
  return ownComments(db, { annotator: a.name, entryId: entry.id });
}

/** Deletes one of the author's own comments (kept in the event log). */
export function deleteComment(db: Db, args: { annotator: string; id: number }): EntryComment[] {
  const store = openStore(db);
  const a = store.annotators.byName(args.annotator);
  const c = store.comments.get(args.id);
  if (!a || !c || c.deleted_at !== null || c.annotator_id !== a.id) throw new ConcordError('not-found', `${args.annotator} has no comment ${args.id}`, { field: 'id' });
  store.transaction(() => {
    const at = now();
    store.comments.markDeleted(c.id, at);
    store.events.append({ actor: a.name, kind: 'comment.delete', entryId: c.entry, before: { id: c.id, text: c.text }, at });
  });
  return ownComments(db, { annotator: a.name, entryId: c.entry });
}

/**
 * Why the annotators disagreed on an entry's dimension (null clears it), chosen in adjudication.
 * `dimension` '' speaks for the entry as a whole.
 */
export function setReason(db: Db, args: { as: string; entryId: string; dimension: string; reason: DisagreementReason | null }): EntryDiscussion['reasons'] {
  const store = openStore(db);
  const entry = entryRef(db, args.entryId);
  if (args.dimension !== '' && !store.project.codebook().dimensions.some((d) => d.id === args.dimension)) throw badInput(`unknown dimension "${args.dimension}"`, { field: 'dimension' });
  if (args.reason !== null && !disagreementReasons.includes(args.reason)) throw badInput(`a reason is one of ${disagreementReasons.join(', ')}`, { field: 'reason' });
  store.transaction(() => {
    const before = store.comments.reasonsOf(entry.rowId).find((r) => r.dimension === args.dimension)?.reason ?? null;
    if (before === args.reason) return;
    const at = now();
    if (args.reason === null) store.comments.deleteReason(entry.rowId, args.dimension);
    else store.comments.putReason(entry.rowId, args.dimension, args.reason, args.as, at);
    store.events.append({ actor: args.as, kind: 'reason.set', entryId: entry.id, dimension: args.dimension || null, before, after: args.reason, at });
  });
  return reasonsOf(db, entry.rowId);
}

function reasonsOf(db: Db, entryRowId: number): EntryDiscussion['reasons'] {
  return openStore(db)
    .comments.reasonsOf(entryRowId)
    .map((r) => ({ dimension: r.dimension, reason: r.reason as DisagreementReason, setBy: r.set_by }));
}

/**
 * What the adjudicator sees beside the labels of one entry: everyone's comments (names hidden as
 * in the grid when asked), the reasons recorded, each text dimension's rewrites and the final
 * one, the gold answers and the rounds it belongs to.
 */
export function entryDiscussion(db: Db, args: { entryId: string; hideNames?: boolean }): EntryDiscussion {
  const store = openStore(db);
  const entry = entryRef(db, args.entryId);
  // The entry's part of the study: its labels and decisions, and every annotator with a counted label anywhere.
  const study = readStudy(db, {}, entry.rowId);
  // The same letters as the adjudication grid: the study's annotators in its order.
  const alias = new Map(study.annotators.map((n, i) => [n, args.hideNames ? pseudonym(i) : n]));
  const name = (n: string) => (args.hideNames ? (alias.get(n) ?? (store.annotators.byName(n)?.role === 'adjudicator' ? n : 'Another annotator')) : n);
  const revisions: RevisionProposals[] = revisionsOf(db, entry.id, study).map((r) => ({
    ...r,
    proposals: r.proposals.map((p) => ({ ...p, annotator: name(p.annotator) })),
    final: r.final && { ...r.final, decidedBy: r.final.decidedBy === null ? null : name(r.final.decidedBy) },
  }));
  const rounds = store.rounds.roundsOf(entry.rowId);
  return {
    entryId: entry.id,
    comments: store.comments.ofEntry(entry.rowId).map((r) => toComment(r, name(r.author))),
    reasons: reasonsOf(db, entry.rowId),
    revisions,
    gold: goldOf(db, entry.rowId),
    rounds: rounds.map((id) => store.rounds.byId(id)!.name),
  };
}

/** Every comment that stands, for the labels export: entry id -> "author: text" in order. */
export function commentsByEntry(db: Db): Map<string, { author: string; text: string }[]> {
  const out = new Map<string, { author: string; text: string }[]>();
  for (const r of openStore(db).comments.all()) {
    const list = out.get(r.entry) ?? [];
    out.set(r.entry, list);
    list.push({ author: r.author, text: r.text });
  }
  return out;
}

/** Every reason recorded: entry id -> dimension ('' for the entry) -> reason. */
export function reasonsByEntry(db: Db): Map<string, Map<string, DisagreementReason>> {
  const out = new Map<string, Map<string, DisagreementReason>>();
  for (const r of openStore(db).comments.reasons()) {
    const m = out.get(r.entry) ?? new Map<string, DisagreementReason>();
    out.set(r.entry, m);
    m.set(r.dimension, r.reason as DisagreementReason);
  }
  return out;
}
