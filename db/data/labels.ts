import type { Db } from '../database.ts';
import { insertRows, statementsOf } from './statements.ts';

/**
 * Labels with their notes and submissions: the `label` table, its tombstones (`label_clear`, a
 * label someone cleared, kept by triggers so it cannot come back in a merge), `note` and
 * `submission`. Plain reads and writes; the rules about which write happens, which one wins and
 * what the event log records are db/labels.ts's.
 */

/**
 * A label as stored: its value as JSON, when it was last written (wall time, for people), its
 * logical clock (what decides which write wins), under which codebook version, whether an import
 * wrote it, and the content hash of the entry as it was when the label was made.
 */
export interface StoredLabel {
  value: string;
  codebookVersion: string;
  updatedAt: string;
  clock: number;
  imported: boolean;
  madeOn: string;
}

/** A label write: everything a row holds but its keys. */
export interface LabelWrite {
  valueJson: string;
  codebookVersion: string;
  at: string;
  clock: number;
  imported: boolean;
  /** The content hash the label was made on; null: the entry's content as it is now. */
  madeOn: string | null;
}

/** A note or submission status as stored. */
export interface StoredOwn {
  value: string;
  at: string;
  clock: number;
  imported: boolean;
}

/** Rows of one annotator as stored, to copy them into a starter file. */
export interface OwnRows {
  labels: { entry_id: number; dimension: string; value: string; codebook_version: string; updated_at: string; clock: number; imported: number; content_hash: string }[];
  cleared: { entry_id: number; dimension: string; codebook_version: string; cleared_at: string; clock: number }[];
  notes: { entry_id: number; text: string; updated_at: string; clock: number; imported: number }[];
  submissions: { entry_id: number; status: string; updated_at: string; clock: number; imported: number }[];
}

/** An own record of an annotator on an entry: the note, or the submission status. */
export type OwnRecord = 'note' | 'submission';
const ownColumn = { note: 'text', submission: 'status' } as const;

/**
 * The content hash a label (`l`) was made on. Stored only when it is not the entry's current one
 * ('' otherwise, migration 008: a hash a label would cost a tenth of a large project's file); a
 * trigger stores the old hash in a label's row when its entry's content changes.
 */
export const MADE_ON = "COALESCE(NULLIF(l.content_hash, ''), (SELECT content_hash FROM entry WHERE id = l.entry_id))";

export function labelTable(db: Db) {
  const sql = statementsOf(db);
  return {
    get(entryRowId: number, annotatorId: number, dimension: string): StoredLabel | undefined {
      const r = sql(
        `SELECT value, codebook_version AS codebookVersion, updated_at AS updatedAt, clock, imported, ${MADE_ON} AS madeOn
         FROM label l WHERE entry_id = ? AND annotator_id = ? AND dimension = ?`,
      ).get(entryRowId, annotatorId, dimension) as (Omit<StoredLabel, 'imported'> & { imported: number }) | undefined;
      return r && { ...r, imported: r.imported === 1 };
    },
    /** Writes a label; `madeOn` null: made on the entry's content as it is now. */
    upsert(entryRowId: number, annotatorId: number, dimension: string, w: LabelWrite): void {
      sql(
        `INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at, clock, imported, content_hash)
         VALUES (@entry, @annotator, @dimension, @value, @cbv, @at, @clock, @imported,
                 CASE WHEN @madeOn IS NULL OR @madeOn = (SELECT content_hash FROM entry WHERE id = @entry) THEN '' ELSE @madeOn END)
         ON CONFLICT (entry_id, annotator_id, dimension) DO UPDATE SET value = excluded.value, codebook_version = excluded.codebook_version,
           updated_at = excluded.updated_at, clock = excluded.clock, imported = excluded.imported, content_hash = excluded.content_hash`,
      ).run({ entry: entryRowId, annotator: annotatorId, dimension, value: w.valueJson, cbv: w.codebookVersion, at: w.at, clock: w.clock, imported: w.imported ? 1 : 0, madeOn: w.madeOn });
    },
    /**
     * Many labels from a file at once: [entry row id, annotator id, dimension, value JSON, codebook
     * version, time, clock] each; made on the entry's content as it is now.
     */
    insertImported(rows: [number, number, string, string, string, string, number][]): number {
      // Each row names its kind (migration 010), so that the trigger that would find it is skipped.
      const kindOf = kindsFor(sql);
      return insertRows(
        sql,
        'INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at, clock, imported, content_hash, kind)',
        "(?, ?, ?, ?, ?, ?, ?, 1, '', ?)",
        rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[5], r[6], kindOf(r[2], r[3], r[4])]),
        'ON CONFLICT (entry_id, annotator_id, dimension) DO UPDATE SET value = excluded.value, codebook_version = excluded.codebook_version, updated_at = excluded.updated_at, clock = excluded.clock, kind = excluded.kind',
      );
    },
    /**
     * Runs `write`, which only inserts labels (an import's labels of annotators who have none, on
     * undecided entries), with the trigger that clears an inserted label's tombstone
     * (`label_clear_on_insert`) dropped, and made again from its stored definition afterwards:
     * when the project has no tombstone and `write` deletes no label, the trigger deletes nothing,
     * yet its look-up costs about a sixth of each insert. With any tombstone, `write` runs with the
     * trigger. Inside a transaction only, which puts the trigger back if it rolls back.
     */
    insertingWithoutTombstones<T>(write: () => T): T {
      if (!db.inTransaction) throw new Error('insertingWithoutTombstones runs inside a transaction');
      if (sql('SELECT 1 FROM label_clear LIMIT 1').get() !== undefined) return write();
      const trigger = sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'label_clear_on_insert'").get() as { sql: string } | undefined;
      if (!trigger) return write();
      db.exec('DROP TRIGGER label_clear_on_insert');
      try {
        return write();
      } finally {
        db.exec(trigger.sql);
      }
    },
    /** Deletes a label; the delete trigger leaves a tombstone stamped with the current time. */
    delete(entryRowId: number, annotatorId: number, dimension: string): void {
      sql('DELETE FROM label WHERE entry_id = ? AND annotator_id = ? AND dimension = ?').run(entryRowId, annotatorId, dimension);
    },
    /** The tombstone of a cleared label, if any. */
    cleared(entryRowId: number, annotatorId: number, dimension: string): { codebookVersion: string; clearedAt: string; clock: number } | undefined {
      return sql(
        'SELECT codebook_version AS codebookVersion, cleared_at AS clearedAt, clock FROM label_clear WHERE entry_id = ? AND annotator_id = ? AND dimension = ?',
      ).get(entryRowId, annotatorId, dimension) as { codebookVersion: string; clearedAt: string; clock: number } | undefined;
    },
    /** Sets a tombstone's version, time and clock (those of the write that cleared the label). */
    putCleared(entryRowId: number, annotatorId: number, dimension: string, codebookVersion: string, clearedAt: string, clock: number): void {
      sql('INSERT OR REPLACE INTO label_clear (entry_id, annotator_id, dimension, codebook_version, cleared_at, clock) VALUES (?, ?, ?, ?, ?, ?)').run(
        entryRowId,
        annotatorId,
        dimension,
        codebookVersion,
        clearedAt,
        clock,
      );
    },
    /** One annotator's labels on one entry. */
    ofEntry(entryRowId: number, annotatorId: number): { dimension: string; value: string }[] {
      return sql('SELECT dimension, value FROM label WHERE entry_id = ? AND annotator_id = ?').all(entryRowId, annotatorId) as { dimension: string; value: string }[];
    },
    /** Whether an annotator has any label, or a cleared one. */
    anyOf(annotatorId: number): boolean {
      return sql('SELECT 1 FROM label WHERE annotator_id = ? UNION ALL SELECT 1 FROM label_clear WHERE annotator_id = ? LIMIT 1').get(annotatorId, annotatorId) !== undefined;
    },
    /** Whether an annotator has any note (or submission status). */
    anyOwnOf(table: OwnRecord, annotatorId: number): boolean {
      return sql(`SELECT 1 FROM ${table} WHERE annotator_id = ? LIMIT 1`).get(annotatorId) !== undefined;
    },
    /** One annotator's labels on these entries (row ids). */
    ofAnnotatorOn(annotatorId: number, entryRowIds: number[]): { entry_id: number; dimension: string; value: string }[] {
      if (!entryRowIds.length) return [];
      return sql('SELECT entry_id, dimension, value FROM label WHERE annotator_id = ? AND entry_id IN (SELECT value FROM json_each(?))').all(
        annotatorId,
        JSON.stringify(entryRowIds),
      ) as { entry_id: number; dimension: string; value: string }[];
    },
    /** One annotator's labels on every entry. */
    ofAnnotator(annotatorId: number): { entry_id: number; dimension: string; value: string }[] {
      return sql('SELECT entry_id, dimension, value FROM label WHERE annotator_id = ?').all(annotatorId) as { entry_id: number; dimension: string; value: string }[];
    },
    /**
     * One annotator's labels that count as finished work: submitted, or any when drafts count;
     * a reference annotator's labels (a published release) are finished as they are.
     */
    finishedOf(annotatorId: number, includeDrafts: boolean): { entry_id: number; dimension: string; value: string }[] {
      return sql(
        `SELECT l.entry_id, l.dimension, l.value FROM label l
         JOIN annotator a ON a.id = l.annotator_id
         LEFT JOIN submission s ON s.entry_id = l.entry_id AND s.annotator_id = l.annotator_id
         WHERE a.id = ? AND (? OR a.role = 'reference' OR s.status = 'submitted')`,
      ).all(annotatorId, includeDrafts ? 1 : 0) as { entry_id: number; dimension: string; value: string }[];
    },
    /** Every annotator's labels with the annotator's name: submitted ones, or all when drafts count. */
    /** Read one row at a time: at 100,000 entries the rows as one array would hold hundreds of MB. */
    forStudy(includeDrafts: boolean): IterableIterator<{ entry_id: number; dimension: string; value: string; name: string }> {
      return sql(
        `SELECT l.entry_id, l.dimension, l.value, a.name FROM label l
         JOIN annotator a ON a.id = l.annotator_id
         LEFT JOIN submission s ON s.entry_id = l.entry_id AND s.annotator_id = l.annotator_id
         WHERE ? OR s.status = 'submitted'`,
      ).iterate(includeDrafts ? 1 : 0) as IterableIterator<{ entry_id: number; dimension: string; value: string; name: string }>;
    },
    /**
     * Annotators (role annotator) with at least one label that counts: submitted (or any, with
     * drafts), and on an entry assigned to them once the project assigns entries.
     */
    countedAnnotators(includeDrafts: boolean, byAssignment: boolean): string[] {
      return (
        sql(
          `SELECT a.name FROM annotator a WHERE a.role = 'annotator' AND EXISTS (
             SELECT 1 FROM label l LEFT JOIN submission s ON s.entry_id = l.entry_id AND s.annotator_id = l.annotator_id
             WHERE l.annotator_id = a.id AND (@drafts OR s.status = 'submitted')
               AND (NOT @assigned OR EXISTS (SELECT 1 FROM assignment x WHERE x.entry_id = l.entry_id AND x.annotator_id = a.id)))`,
        ).all({ drafts: includeDrafts ? 1 : 0, assigned: byAssignment ? 1 : 0 }) as { name: string }[]
      ).map((r) => r.name);
    },
    /**
     * The labels that hold any of these stored values (a dimension and a value's JSON, as stored),
     * with their entry, author and version, in the order of entries, authors' names and
     * dimensions: what publishing a codebook moves or lists for review, read without the rest.
     */
    holding(values: [dimension: string, valueJson: string][]) {
      return sql(
        `SELECT e.id AS entryRowId, e.ext_id AS entryId, l.annotator_id AS annotatorId, l.dimension AS dimension, l.value AS value, l.codebook_version AS version
           FROM label l
           JOIN entry e ON e.id = l.entry_id
           JOIN annotator a ON a.id = l.annotator_id
          WHERE (l.dimension, l.value) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))
          ORDER BY e.id, a.name, l.dimension`,
      ).all(JSON.stringify(values)) as { entryRowId: number; entryId: string; annotatorId: number; dimension: string; value: string; version: string }[];
    },
    /** When each annotator last wrote or cleared the label of an entry on a dimension. */
    timesOn(entryRowId: number, dimension: string): { at: string; name: string }[] {
      return sql(
        `SELECT l.updated_at AS at, a.name FROM label l JOIN annotator a ON a.id = l.annotator_id WHERE l.entry_id = ? AND l.dimension = ?
         UNION ALL
         SELECT c.cleared_at AS at, a.name FROM label_clear c JOIN annotator a ON a.id = c.annotator_id WHERE c.entry_id = ? AND c.dimension = ?`,
      ).all(entryRowId, dimension, entryRowId, dimension) as { at: string; name: string }[];
    },
    /** One annotator's labels and tombstones with their entries' ids and content hashes (a pack). */
    packLabels(annotatorId: number) {
      return sql(
        `SELECT e.ext_id, e.content_hash, l.dimension, l.value, l.updated_at AS at, l.codebook_version AS cv, l.clock, ${MADE_ON} AS made_on
         FROM label l JOIN entry e ON e.id = l.entry_id WHERE l.annotator_id = ?
         UNION ALL
         SELECT e.ext_id, e.content_hash, c.dimension, NULL, c.cleared_at, c.codebook_version, c.clock, e.content_hash
         FROM label_clear c JOIN entry e ON e.id = c.entry_id WHERE c.annotator_id = ?`,
      ).all(annotatorId, annotatorId) as { ext_id: string; content_hash: string; dimension: string; value: string | null; at: string; cv: string; clock: number; made_on: string }[];
    },
    packNotes(annotatorId: number) {
      return sql('SELECT e.ext_id, e.content_hash, n.text, n.updated_at AS at, n.clock FROM note n JOIN entry e ON e.id = n.entry_id WHERE n.annotator_id = ?').all(
        annotatorId,
      ) as { ext_id: string; content_hash: string; text: string; at: string; clock: number }[];
    },
    packSubmissions(annotatorId: number) {
      return sql('SELECT e.ext_id, e.content_hash, s.status, s.updated_at AS at, s.clock FROM submission s JOIN entry e ON e.id = s.entry_id WHERE s.annotator_id = ?').all(
        annotatorId,
      ) as { ext_id: string; content_hash: string; status: 'draft' | 'submitted'; at: string; clock: number }[];
    },
    count(): number {
      return (sql('SELECT COUNT(*) AS n FROM label').get() as { n: number }).n;
    },

    /** An annotator's note (text) or submission status on an entry, with its time. */
    own(table: OwnRecord, entryRowId: number, annotatorId: number): StoredOwn | undefined {
      const r = sql(`SELECT ${ownColumn[table]} AS value, updated_at AS at, clock, imported FROM ${table} WHERE entry_id = ? AND annotator_id = ?`).get(entryRowId, annotatorId) as
        | (Omit<StoredOwn, 'imported'> & { imported: number })
        | undefined;
      return r && { ...r, imported: r.imported === 1 };
    },
    putOwn(table: OwnRecord, entryRowId: number, annotatorId: number, w: { value: string; at: string; clock: number; imported: boolean }): void {
      const column = ownColumn[table];
      sql(
        `INSERT INTO ${table} (entry_id, annotator_id, ${column}, updated_at, clock, imported) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (entry_id, annotator_id) DO UPDATE SET ${column} = excluded.${column}, updated_at = excluded.updated_at, clock = excluded.clock, imported = excluded.imported`,
      ).run(entryRowId, annotatorId, w.value, w.at, w.clock, w.imported ? 1 : 0);
    },
    /** Many notes or submission statuses from a file at once: [entry row id, annotator id, value, time, clock] each. */
    putOwnImported(table: OwnRecord, rows: [number, number, string, string, number][]): number {
      const column = ownColumn[table];
      return insertRows(
        sql,
        `INSERT INTO ${table} (entry_id, annotator_id, ${column}, updated_at, clock, imported)`,
        '(?, ?, ?, ?, ?, 1)',
        rows,
        `ON CONFLICT (entry_id, annotator_id) DO UPDATE SET ${column} = excluded.${column}, updated_at = excluded.updated_at, clock = excluded.clock`,
      );
    },
    /** Marks an entry started (a draft) for its annotator, unless it already has a status. */
    startDraft(entryRowId: number, annotatorId: number, at: string, clock: number): void {
      sql(`INSERT INTO submission (entry_id, annotator_id, status, updated_at, clock) VALUES (?, ?, 'draft', ?, ?) ON CONFLICT DO NOTHING`).run(entryRowId, annotatorId, at, clock);
    },

    /**
     * The annotator's logical clock moved on by one: the clock of a write made now. Greater than
     * every clock this database holds for the annotator (see `observe`).
     */
    tick(annotatorId: number): number {
      return (
        sql('INSERT INTO annotator_clock (annotator_id, clock) VALUES (?, 1) ON CONFLICT (annotator_id) DO UPDATE SET clock = clock + 1 RETURNING clock').get(annotatorId) as {
          clock: number;
        }
      ).clock;
    },
    /** A write of clock `clock` came in (a merge): the annotator's clock is at least that from now on. */
    observe(annotatorId: number, clock: number): void {
      sql('INSERT INTO annotator_clock (annotator_id, clock) VALUES (?, ?) ON CONFLICT (annotator_id) DO UPDATE SET clock = MAX(clock, excluded.clock)').run(annotatorId, clock);
    },
    /** The annotator's clock (0 before their first write). */
    clockOf(annotatorId: number): number {
      return (sql('SELECT clock FROM annotator_clock WHERE annotator_id = ?').get(annotatorId) as { clock: number } | undefined)?.clock ?? 0;
    },
    /** Who submitted which entry: "entry row id NUL annotator name". */
    submittedPairs(): Set<string> {
      return new Set(
        (sql("SELECT s.entry_id, a.name FROM submission s JOIN annotator a ON a.id = s.annotator_id WHERE s.status = 'submitted'").all() as { entry_id: number; name: string }[]).map(
          (r) => `${r.entry_id}\u0000${r.name}`,
        ),
      );
    },

    /** Everything of one annotator, as stored (a starter file copies it). */
    ownRows(annotatorId: number): OwnRows {
      return {
        labels: sql('SELECT * FROM label WHERE annotator_id = ?').all(annotatorId) as OwnRows['labels'],
        cleared: sql('SELECT * FROM label_clear WHERE annotator_id = ?').all(annotatorId) as OwnRows['cleared'],
        notes: sql('SELECT * FROM note WHERE annotator_id = ?').all(annotatorId) as OwnRows['notes'],
        submissions: sql('SELECT * FROM submission WHERE annotator_id = ?').all(annotatorId) as OwnRows['submissions'],
      };
    },
    /** Writes rows copied from another project file, as they are, for one annotator and re-numbered entries. */
    insertCopies(rows: OwnRows, annotatorId: number, entryRowId: (sourceRowId: number) => number): void {
      for (const l of rows.labels)
        sql('INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at, clock, imported, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
          entryRowId(l.entry_id),
          annotatorId,
          l.dimension,
          l.value,
          l.codebook_version,
          l.updated_at,
          l.clock,
          l.imported,
          l.content_hash,
        );
      for (const c of rows.cleared)
        sql('INSERT INTO label_clear (entry_id, annotator_id, dimension, codebook_version, cleared_at, clock) VALUES (?, ?, ?, ?, ?, ?)').run(
          entryRowId(c.entry_id),
          annotatorId,
          c.dimension,
          c.codebook_version,
          c.cleared_at,
          c.clock,
        );
      for (const n of rows.notes)
        sql('INSERT INTO note (entry_id, annotator_id, text, updated_at, clock, imported) VALUES (?, ?, ?, ?, ?, ?)').run(
          entryRowId(n.entry_id),
          annotatorId,
          n.text,
          n.updated_at,
          n.clock,
          n.imported,
        );
      for (const s of rows.submissions)
        sql('INSERT INTO submission (entry_id, annotator_id, status, updated_at, clock, imported) VALUES (?, ?, ?, ?, ?, ?)').run(
          entryRowId(s.entry_id),
          annotatorId,
          s.status,
          s.updated_at,
          s.clock,
          s.imported,
        );
    },
  };
}

/**
 * The kind (migration 010) of a label's dimension, value JSON and codebook version, for a writer
 * that names it: each found once per writer by the table's unique index, and added when it is not
 * stored yet. Nothing is kept between writers: a kind added by a write that was rolled back is not
 * remembered, and a project with many kinds (a free-text dimension's every answer is one) is never
 * read whole for a batch of a few thousand labels.
 */
function kindsFor(sql: ReturnType<typeof statementsOf>): (dimension: string, value: string, codebookVersion: string) => number {
  // By dimension, then version, then value: three look-ups of the texts as they are, no key made per label.
  const known = new Map<string, Map<string, Map<string, number>>>();
  return (dimension, value, codebookVersion) => {
    let byVersion = known.get(dimension);
    if (!byVersion) known.set(dimension, (byVersion = new Map()));
    let byValue = byVersion.get(codebookVersion);
    if (!byValue) byVersion.set(codebookVersion, (byValue = new Map()));
    let id = byValue.get(value);
    if (id === undefined) {
      id =
        (sql('SELECT id FROM label_kind WHERE dimension = ? AND value = ? AND codebook_version = ?').pluck().get(dimension, value, codebookVersion) as number | undefined) ??
        (sql('INSERT INTO label_kind (dimension, value, codebook_version) VALUES (?, ?, ?) RETURNING id').pluck().get(dimension, value, codebookVersion) as number);
      byValue.set(value, id);
    }
    return id;
  };
}
