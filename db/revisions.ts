import { consensusOf, type DimensionConsensus } from '../shared/consensus/index.ts';
import type { Dimension, LabelValue } from '../shared/codebook/index.ts';
import { ConcordError, badInput } from '../shared/errors.ts';
import type { RevisionProposals } from '../shared/types.ts';
import { laterThan, readStudy, type Study, type StudyEntry } from './adjudication.ts';
import type { Db } from './database.ts';
import { openStore } from './data/index.ts';

/**
 * Rewrites of an entry's text (the prompt), proposed on a `text` dimension that `revises` it:
 * each annotator's rewrite is their label there; the final one is the dimension's decision, which
 * the adjudicator picks from the proposals or writes from them. Text has no majority to accept in
 * bulk and no alpha, so rewrites never enter the queue of disagreements; they travel with the
 * labels export and, when asked, in a Deep-Bench release.
 */

/** The text dimensions that rewrite one of the entry's texts. */
export function revisingDimensions(study: Pick<Study, 'codebook'>): Dimension[] {
  return study.codebook.dimensions.filter((d) => d.kind === 'text' && d.revises);
}

/** A text dimension's consensus on one entry: the rewrites, the decision, and the final text. */
export function textConsensus(study: Study, entry: StudyEntry): DimensionConsensus[] {
  return study.codebook.dimensions
    .filter((d) => d.kind === 'text')
    .map((d) => {
      const values = study.labels.get(entry.rowId)?.get(d.id) ?? [];
      return consensusOf(d, values, study.decisions.get(entry.rowId)?.get(d.id) ?? null);
    })
    .filter((c) => c.values.length > 0 || c.decision !== null);
}

/** The rewrites of one entry per revising dimension, with its original text and the final rewrite. */
export function revisionsOf(db: Db, entryId: string, given?: Study): RevisionProposals[] {
  const ref = openStore(db).entries.ref(entryId);
  if (!ref) throw new ConcordError('not-found', `unknown entry "${entryId}"`, { field: 'entryId' });
  // One entry's labels and decisions, and its prompt, unless the caller read the study already.
  const study = given ?? readStudy(db, { prompts: true }, ref.rowId);
  const entry = study.entries.find((e) => e.id === entryId);
  if (!entry) throw new ConcordError('not-found', `unknown entry "${entryId}"`, { field: 'entryId' });
  return revisingDimensions(study).map((d) => {
    const decision = study.decisions.get(entry.rowId)?.get(d.id) ?? null;
    return {
      dimension: d.id,
      label: d.label,
      original: entry.prompt ?? openStore(db).entries.entry(entry.rowId).prompt,
      proposals: (study.labels.get(entry.rowId)?.get(d.id) ?? [])
        .filter((v) => typeof v.value === 'string' && v.value.trim() !== '')
        .map((v) => ({ annotator: v.annotator, text: v.value as string })),
      final: decision && { text: String(decision.value), decidedBy: decision.decidedBy, at: decision.decidedAt, method: decision.method },
    };
  });
}

/**
 * Records the final rewrite (null: none): one annotator's as it is, or the adjudicator's own
 * text built from them. Unanimous when every proposal is that text, else adjudicated. Logged as
 * a decision, so the adjudication undo takes it back like any other.
 */
export function decideRevision(db: Db, args: { entryId: string; dimension: string; text: string | null; decidedBy: string }): RevisionProposals {
  const store = openStore(db);
  return store.transaction(() => {
    const ref = store.entries.ref(args.entryId);
    if (!ref) throw new ConcordError('not-found', `unknown entry "${args.entryId}"`, { field: 'entryId' });
    const study = readStudy(db, { prompts: true }, ref.rowId);
    const entry = study.entries.find((e) => e.id === args.entryId)!;
    const dim = revisingDimensions(study).find((d) => d.id === args.dimension);
    if (!dim) throw badInput(`"${args.dimension}" is not a dimension that rewrites the entry's text`, { field: 'dimension' });
    const before = study.decisions.get(entry.rowId)?.get(dim.id) ?? null;
    const text = args.text === null ? null : args.text.replace(/\r\n?/g, '\n');
    if (text !== null && !text.trim()) throw badInput('a final rewrite needs some text (or choose none)', { field: 'text' });
    const proposals = (study.labels.get(entry.rowId)?.get(dim.id) ?? []).map((v) => v.value as LabelValue);
    const after =
      text === null
        ? null
        : {
            value: text,
            method: proposals.length > 1 && proposals.every((p) => p === text) ? ('unanimous' as const) : ('adjudicated' as const),
            decidedBy: args.decidedBy,
            rationale: null,
            decidedAt: laterThan(before?.decidedAt),
          };
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      if (after === null) store.decisions.delete(entry.rowId, dim.id);
      else
        store.decisions.upsert({
          entry_id: entry.rowId,
          dimension: dim.id,
          value: JSON.stringify(after.value),
          method: after.method,
          decided_by: after.decidedBy,
          rationale: null,
          decided_at: after.decidedAt,
        });
      store.events.append({ actor: args.decidedBy, kind: 'decision.set', entryId: entry.id, dimension: dim.id, before, after, at: after?.decidedAt });
    }
    return revisionsOf(db, entry.id).find((r) => r.dimension === dim.id)!;
  });
}
