import type { Db } from './database.ts';
import { now } from './database.ts';

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
