import type { Db } from './database.ts';
import { now } from './database.ts';
import type { EventPage } from '../shared/api.ts';
export type { EventPage, EventRecord } from '../shared/api.ts';

/**
 * The append-only event log. Every write the service makes calls `appendEvent` inside the same
 * transaction, so the log and the data never disagree.
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

export function appendEvent(db: Db, e: EventInput): number {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  const r = db
    .prepare('INSERT INTO event (at, actor, kind, entry_ext_id, dimension, before, after, reverts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(e.at ?? now(), e.actor, e.kind, e.entryId ?? null, e.dimension ?? null, json(e.before), json(e.after), e.reverts ?? null);
  return Number(r.lastInsertRowid);
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

/** The event log, newest first, filtered, a page at a time (read only: the log is never rewritten). */
export function listEvents(db: Db, opts: ListEventsOptions = {}): EventPage {
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
  const rows = db
    .prepare(
      `SELECT id, at, actor, kind, entry_ext_id, dimension, before, after, reverts FROM event
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    )
    .all(...params, limit + 1) as {
    id: number;
    at: string;
    actor: string;
    kind: string;
    entry_ext_id: string | null;
    dimension: string | null;
    before: string | null;
    after: string | null;
    reverts: number | null;
  }[];
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
}
