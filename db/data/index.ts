import type { Db } from '../database.ts';
import { annotatorTable } from './annotators.ts';
import { assignmentTable } from './assignments.ts';
import { codebookHistoryTable } from './codebook-history.ts';
import { commentTable } from './comments.ts';
import { decisionTable } from './decisions.ts';
import { entryTable } from './entries.ts';
import { entryVersionTable } from './entry-versions.ts';
import { eventLog } from './events.ts';
import { keyTable } from './keys.ts';
import { labelTable } from './labels.ts';
import { modelResultTable } from './model-results.ts';
import { projectTable } from './project.ts';
import { reviewTable } from './reviews.ts';
import { roundTable } from './rounds.ts';
import { withIndexesBuiltAfter } from './statements.ts';

/**
 * The data layer: one module per table or aggregate, the only code that holds SQL (with
 * db/database.ts's migrations). A store is built once per connection and kept with it, and each
 * module's statements are prepared once per connection (statements.ts).
 */
export interface Store {
  readonly db: Db;
  readonly project: ReturnType<typeof projectTable>;
  readonly entries: ReturnType<typeof entryTable>;
  readonly entryVersions: ReturnType<typeof entryVersionTable>;
  readonly annotators: ReturnType<typeof annotatorTable>;
  readonly labels: ReturnType<typeof labelTable>;
  readonly keys: ReturnType<typeof keyTable>;
  readonly decisions: ReturnType<typeof decisionTable>;
  readonly events: ReturnType<typeof eventLog>;
  readonly assignments: ReturnType<typeof assignmentTable>;
  readonly modelResults: ReturnType<typeof modelResultTable>;
  readonly codebookHistory: ReturnType<typeof codebookHistoryTable>;
  readonly reviews: ReturnType<typeof reviewTable>;
  readonly rounds: ReturnType<typeof roundTable>;
  readonly comments: ReturnType<typeof commentTable>;
  /** Runs `fn` in one transaction (nested calls become savepoints) and returns its result; it waits for the write lock first. */
  transaction<T>(fn: () => T): T;
  /**
   * Runs an import's writes (inside its transaction): the indexes of the tables it fills in bulk
   * (entries, labels, submissions, assignments) are built after the rows are in when the table was
   * empty (statements.ts, withIndexesBuiltAfter).
   */
  importing<T>(write: () => T): T;
}

const stores = new WeakMap<Db, Store>();

export function openStore(db: Db): Store {
  let store = stores.get(db);
  if (!store) {
    store = {
      db,
      project: projectTable(db),
      entries: entryTable(db),
      entryVersions: entryVersionTable(db),
      annotators: annotatorTable(db),
      labels: labelTable(db),
      keys: keyTable(db),
      decisions: decisionTable(db),
      events: eventLog(db),
      assignments: assignmentTable(db),
      modelResults: modelResultTable(db),
      codebookHistory: codebookHistoryTable(db),
      reviews: reviewTable(db),
      rounds: roundTable(db),
      comments: commentTable(db),
      // IMMEDIATE: a transaction takes the write lock before it reads, so a write by another
      // connection (a worker's import) in between cannot leave it holding a stale snapshot.
      transaction: (fn) => db.transaction(fn).immediate(),
      importing: (write) => withIndexesBuiltAfter(db, ['entry', 'label', 'submission', 'assignment'], write),
    };
    stores.set(db, store);
  }
  return store;
}

export type { AnnotatorRow } from './annotators.ts';
export type { DecisionRow } from './decisions.ts';
export type { EntryColumns, EntryRef, EntryRow, QueueQuery, QueueRow, TextField } from './entries.ts';
export { fieldsOf, TEXT_FIELDS, toEntry } from './entries.ts';
export type { EventInput, EventRow, ListEventsOptions } from './events.ts';
export { DEFAULT_EVENT_PAGE, MAX_EVENT_PAGE } from './events.ts';
export type { ContentRecord } from './entry-versions.ts';
export type { LabelWrite, OwnRecord, OwnRows, StoredLabel, StoredOwn } from './labels.ts';
export type { ProjectIdentity, ProjectRow } from './project.ts';
export type { RevisionRow } from './codebook-history.ts';
export type { ReviewRow } from './reviews.ts';
export type { GoldRow, RoundRow } from './rounds.ts';
export type { CommentRow, ReasonRow } from './comments.ts';
