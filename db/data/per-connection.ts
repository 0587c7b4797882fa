import type { Db } from '../database.ts';

/**
 * One instance of a data module per connection, so its statements are prepared once: the first
 * call builds it, later calls on the same connection reuse it (and a closed connection's goes
 * with it).
 */
export function perConnection<T>(make: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let m = made.get(db);
    if (!m) made.set(db, (m = make(db)));
    return m;
  };
}
