import type { EventPage } from '../../shared/api.ts';
import type { Db } from '../database.ts';
import { now } from '../database.ts';
import { insertRows, statementsOf } from './statements.ts';

/**
 * The append-only event log (`event`): every write appends to it inside the same transaction, so
 * the log and the data never disagree. Triggers refuse any update or delete.
 */
export interface EventInput {
  actor: string;
  kind: string;
  entryId?: string | null;
  dimension?: string | null;
  before?: unknown;
  after?: unknown;
  reverts?: number | null;
  at?: string;
}

/** An event as stored (before and after as JSON text). */
export interface EventRow {
  id: number;
  at: string;
  actor: string;
  kind: string;
  entry_ext_id: string | null;
  dimension: string | null;
  before: string | null;
  after: string | null;
  reverts: number | null;
}

export interface ListEventsOptions {
  /** Only events on this entry (its external id, exactly). */
  entryId?: string;
  /** Only events on entries whose id contains this text (case-insensitive). */
  entrySearch?: string;
  /** Only this actor's events (names compare case-insensitively, as annotator names do). */
  actor?: string;
  /** A kind (`label.set`), or a family of kinds (`label` for `label.set`, `label.undo`...). */
  kind?: string;
  /** Paging: only events older than this id (the previous page's `nextBefore`). */
  before?: number;
  /** Page size: 100 by default, at most 1000. */
  limit?: number;
}

export const DEFAULT_EVENT_PAGE = 100;
export const MAX_EVENT_PAGE = 1000;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const COLUMNS = 'id, at, actor, kind, entry_ext_id, dimension, before, after, reverts';
/** Decision events an undo has not reverted yet. */
const NOT_UNDONE = `id NOT IN (SELECT reverts FROM event WHERE kind = 'decision.undo' AND reverts IS NOT NULL)`;

/** An event's columns as stored, in the order of the INSERTs below. */
function columnsOf(e: EventInput): unknown[] {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  return [e.at ?? now(), e.actor, e.kind, e.entryId ?? null, e.dimension ?? null, json(e.before), json(e.after), e.reverts ?? null];
}

export function eventLog(db: Db) {
  const sql = statementsOf(db);
  return {
    append(e: EventInput): number {
      const r = sql('INSERT INTO event (at, actor, kind, entry_ext_id, dimension, before, after, reverts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(...columnsOf(e));
      return Number(r.lastInsertRowid);
    },
    /** Many events at once, in order (an import's), many to a statement. */
    appendMany(events: EventInput[]): void {
      insertRows(sql, 'INSERT INTO event (at, actor, kind, entry_ext_id, dimension, before, after, reverts)', 8, events.map(columnsOf));
    },

    /** The log, newest first, filtered, a page at a time. */
    list(opts: ListEventsOptions = {}): EventPage {
      const limit = Math.max(1, Math.min(MAX_EVENT_PAGE, Math.floor(opts.limit ?? DEFAULT_EVENT_PAGE)));
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (opts.before !== undefined) {
        where.push('id < ?');
        params.push(opts.before);
      }
      if (opts.entryId !== undefined) {
        where.push('entry_ext_id = ?');
        params.push(opts.entryId);
      }
      const search = opts.entrySearch?.trim();
      if (search) {
        where.push("entry_ext_id LIKE ? ESCAPE '\\'");
        params.push(`%${likeEscape(search)}%`);
      }
      const actor = opts.actor?.trim();
      if (actor) {
        where.push('actor = ? COLLATE NOCASE');
        params.push(actor);
      }
      const kind = opts.kind?.trim();
      if (kind) {
        where.push("(kind = ? OR kind LIKE ? ESCAPE '\\')");
        params.push(kind, `${likeEscape(kind)}.%`);
      }
      // One statement per combination of filters (at most 32), each prepared once.
      const rows = sql(`SELECT ${COLUMNS} FROM event ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`).all(...params, limit + 1) as EventRow[];
      const page = rows.slice(0, limit);
      const parse = (v: string | null): unknown => (v === null ? null : JSON.parse(v));
      return {
        events: page.map((r) => ({
          id: r.id,
          at: r.at,
          actor: r.actor,
          kind: r.kind,
          entryId: r.entry_ext_id,
          dimension: r.dimension,
          before: parse(r.before),
          after: parse(r.after),
          reverts: r.reverts,
        })),
        nextBefore: rows.length > limit ? page[page.length - 1].id : null,
      };
    },

    /** An annotator's most recent label change that no undo has reverted yet. */
    lastLabelChange(actor: string): { id: number; entry_ext_id: string; dimension: string; before: string | null } | undefined {
      return sql(
        `SELECT id, entry_ext_id, dimension, before FROM event
         WHERE actor = ? AND kind = 'label.set'
           AND id NOT IN (SELECT reverts FROM event WHERE kind = 'label.undo' AND reverts IS NOT NULL)
         ORDER BY id DESC LIMIT 1`,
      ).get(actor) as { id: number; entry_ext_id: string; dimension: string; before: string | null } | undefined;
    },

    /** The most recent decision action (one decision, or an accept-majorities batch) not undone yet; with `actor`, only theirs. */
    lastDecisionAction(actor: string | null): EventRow | undefined {
      return sql(
        `SELECT ${COLUMNS} FROM event
         WHERE kind IN ('decision.set', 'decision.accept-majorities') AND (? IS NULL OR actor = ?) AND ${NOT_UNDONE}
         ORDER BY id DESC LIMIT 1`,
      ).get(actor, actor) as EventRow | undefined;
    },

    /** The decisions of one accept-majorities batch not undone yet, newest first. */
    batchDecisions(batchId: number): EventRow[] {
      return sql(`SELECT ${COLUMNS} FROM event WHERE kind = 'decision.set' AND json_extract(after, '$.batch') = ? AND ${NOT_UNDONE} ORDER BY id DESC`).all(batchId) as EventRow[];
    },

    /**
     * On entries that have a decision: the last decision.set per decided time, and the last label
     * change per labeller, per entry and dimension. Imports log as "import" and name the annotator
     * inside the value; every other writer logs as the annotator.
     */
    lastChangesOnDecidedEntries(): { e: string; d: string; kind: string; tag: string | null; id: number }[] {
      return sql(
        `SELECT ${LAST_CHANGE} FROM event
         WHERE kind IN ('decision.set', 'label.set', 'label.undo') AND entry_ext_id IS NOT NULL AND dimension IS NOT NULL
           AND entry_ext_id IN (SELECT e.ext_id FROM decision d JOIN entry e ON e.id = d.entry_id)
         GROUP BY e, d, kind, tag`,
      ).all() as { e: string; d: string; kind: string; tag: string | null; id: number }[];
    },
    /** The newest event: where a reader of the log stands. */
    newest(): { id: number; at: string; kind: string } | undefined {
      return sql('SELECT id, at, kind FROM event ORDER BY id DESC LIMIT 1').get() as { id: number; at: string; kind: string } | undefined;
    },
    /** The event of this id, if the log holds it (a restored backup holds an older log). */
    mark(id: number): { id: number; at: string; kind: string } | undefined {
      return sql('SELECT id, at, kind FROM event WHERE id = ?').get(id) as { id: number; at: string; kind: string } | undefined;
    },
    /** Each kind of event written after event `afterId`, with who wrote it. */
    writtenSince(afterId: number): { kind: string; actor: string }[] {
      return sql('SELECT DISTINCT kind, actor FROM event WHERE id > ?').all(afterId) as { kind: string; actor: string }[];
    },
    /** What the log says changed after event `afterId`: the entries named, and the kinds of the events that name none. */
    changedSince(afterId: number): { entries: string[]; unscoped: string[] } {
      const rows = sql('SELECT DISTINCT entry_ext_id AS e, CASE WHEN entry_ext_id IS NULL THEN kind END AS k FROM event WHERE id > ?').all(afterId) as { e: string | null; k: string | null }[];
      return { entries: rows.flatMap((r) => (r.e === null ? [] : [r.e])), unscoped: [...new Set(rows.flatMap((r) => (r.k === null ? [] : [r.k])))] };
    },
  };
}

/** Per entry, dimension and kind: the decided time of a decision, the labeller of a label change; and the newest such event. */
export const LAST_CHANGE = `entry_ext_id AS e, dimension AS d, kind,
                CASE WHEN kind = 'decision.set' THEN json_extract(after, '$.decidedAt')
                     ELSE COALESCE(json_extract(after, '$.annotator'), json_extract(before, '$.annotator'), actor) END AS tag,
                MAX(id) AS id`;
