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

/** Rows per statement when many rows go in at once: fewer calls into SQLite, within its 32,766 parameters. */
export const BATCH_ROWS = 64;

/**
 * Runs `INSERT ... VALUES (row), (row), ...` for many rows, `BATCH_ROWS` to a statement (each
 * statement prepared once): `head` is the statement up to VALUES, `row` the number of values in
 * a row (or the row's own text, with a `?` per value), `tail` what follows the values (an ON
 * CONFLICT clause). Returns how many rows were changed.
 */
export function insertRows(sql: (text: string) => Statement, head: string, row: number | string, rows: unknown[][], tail = ''): number {
  const one = typeof row === 'string' ? row : `(${Array(row).fill('?').join(', ')})`;
  const width = typeof row === 'string' ? (row.match(/\?/g) ?? []).length : row;
  const text = (n: number) => `${head} VALUES ${Array(n).fill(one).join(', ')} ${tail}`;
  const full = rows.length >= BATCH_ROWS ? sql(text(BATCH_ROWS)) : null;
  // The values of a batch copied into one array, reused, and bound as it is: slicing and
  // flattening each batch, then spreading it as arguments, took about as long again as SQLite's
  // inserts of a million labels.
  const values: unknown[] = new Array(BATCH_ROWS * width);
  let changed = 0;
  for (let i = 0; i < rows.length; i += BATCH_ROWS) {
    const n = Math.min(BATCH_ROWS, rows.length - i);
    const batch = n === BATCH_ROWS ? values : new Array(n * width);
    let k = 0;
    for (let j = i; j < i + n; j++) {
      const r = rows[j];
      if (r.length !== width) throw new Error(`insertRows: a row of ${r.length} values, not ${width}`);
      for (let c = 0; c < width; c++) batch[k++] = r[c];
    }
    changed += (n === BATCH_ROWS ? full! : sql(text(n))).run(batch).changes;
  }
  return changed;
}

/**
 * Runs `write`, which opens a transaction of its own, with SQLite's per-row foreign key checks
 * off, and turns them on again however it ends: for a writer that finds every row it refers to
 * inside that transaction itself (an import looks up each entry and annotator it writes for), to
 * whom a look-up of the parent per row written is the same check made twice. Nothing cascades
 * meanwhile, so `write` must delete no row that others refer to (an import deletes none). Outside
 * a transaction only: inside one SQLite ignores the switch.
 */
export function withoutForeignKeyChecks<T>(db: Connection, write: () => T): T {
  if (db.inTransaction) throw new Error('withoutForeignKeyChecks runs outside a transaction');
  db.pragma('foreign_keys = OFF');
  try {
    return write();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

/**
 * Runs `write`, which puts many rows into `tables`, inside the caller's transaction. A table that
 * is empty when it begins has its own indexes (not its keys, which checks need) dropped first and
 * made again from their stored definitions once the rows are in: SQLite builds an index from all
 * its rows, sorted once, faster than it inserts a million keys one by one. A rollback puts them
 * back as they were. Nothing `write` reads may need them (it would scan the rows written so far).
 */
export function withIndexesBuiltAfter<T>(db: Connection, tables: string[], write: () => T): T {
  if (!db.inTransaction) throw new Error('withIndexesBuiltAfter runs inside a transaction');
  const sql = statementsOf(db);
  const dropped: { name: string; sql: string }[] = [];
  for (const table of tables) {
    if (sql(`SELECT 1 FROM "${table}" LIMIT 1`).get() !== undefined) continue;
    dropped.push(...(sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(table) as { name: string; sql: string }[]));
  }
  for (const index of dropped) db.exec(`DROP INDEX "${index.name}"`);
  const result = write();
  for (const index of dropped) db.exec(index.sql);
  return result;
}
