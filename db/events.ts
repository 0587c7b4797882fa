import type { Db } from './database.ts';
import { openStore, type EventInput, type ListEventsOptions } from './data/index.ts';
import type { EventPage } from '../shared/api.ts';
export type { EventPage, EventRecord } from '../shared/api.ts';
export type { EventInput, ListEventsOptions } from './data/index.ts';

/**
 * The append-only event log (db/data/events.ts holds its SQL). Every write calls `appendEvent`
 * inside the same transaction, so the log and the data never disagree.
 */
export function appendEvent(db: Db, e: EventInput): number {
  return openStore(db).events.append(e);
}

/** The event log, newest first, filtered, a page at a time (read only: the log is never rewritten). */
export function listEvents(db: Db, opts: ListEventsOptions = {}): EventPage {
  return openStore(db).events.list(opts);
}
