import type Database from 'better-sqlite3';

type Connection = Database.Database;
export type Statement = Database.Statement;

/** Text of a statement -> the statement, prepared on one connection. */
const caches = new WeakMap<Connection, Map<string, Statement>>();

/**
 * The statements of one connection: each is prepared the first time it is used and kept for the
 * connection's life, so a call that runs twice prepares nothing the second time. Prepared on first
 * use rather than all at once, so a module whose table a database lacks (an old schema being
 * checked before its migration) costs nothing until it is asked for.
 */
export function statementsOf(db: Connection): (sql: string) => Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const own = cache;
  return (sql) => {
    let s = own.get(sql);
    if (!s) {
      s = db.prepare(sql);
      own.set(sql, s);
    }
    return s;
  };
}
