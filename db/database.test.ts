import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checksum, openDatabase, schemaVersion } from './database.ts';
import { migrations } from './migrations/index.ts';

/** A migration of a Concord newer than this one: the next number after ours. */
const FUTURE = { version: Math.max(...migrations.map((m) => m.version)) + 1, name: 'future', sql: 'CREATE TABLE future (x);' };

const tmp = () => join(mkdtempSync(join(tmpdir(), 'concord-db-')), 'p.db');

describe('openDatabase', () => {
  it('creates the schema with WAL and foreign keys, recording each migration with its checksum', () => {
    const file = tmp();
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const rows = db.prepare('SELECT version, name, checksum FROM schema_migration').all();
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name, checksum: checksum(m.sql) })));
    expect(schemaVersion(db)).toBe(Math.max(...migrations.map((m) => m.version)));
    db.close();
  });

  it('makes a new file with 16 KiB pages, and leaves an existing file its own page size and rows', () => {
    const file = tmp();
    const db = openDatabase(file);
    expect(db.pragma('page_size', { simple: true })).toBe(16_384);
    db.close();
    expect(readFileSync(file).readUInt16BE(16)).toBe(16_384);

    // A file an older Concord made with SQLite's 4 KiB pages, holding an entry.
    const old = tmp();
    const raw = new Database(old);
    raw.pragma('page_size = 4096');
    raw.pragma('journal_mode = WAL');
    raw.close();
    const first = openDatabase(old);
    first.prepare("INSERT INTO entry (ext_id, content_hash, created_at, updated_at) VALUES ('e1', 'h', 't', 't')").run();
    first.close();
    const again = openDatabase(old);
    expect(again.pragma('page_size', { simple: true })).toBe(4096);
    expect(again.prepare('SELECT ext_id FROM entry').pluck().all()).toEqual(['e1']);
    again.close();
  });

  it('applies a new migration once, in a transaction', () => {
    const file = tmp();
    openDatabase(file).close();
    const next = [...migrations, { version: 99, name: '099-extra', sql: 'CREATE TABLE extra (x INTEGER);' }];
    const db = openDatabase(file, { migrations: next });
    expect(schemaVersion(db)).toBe(99);
    db.close();
    expect(() => openDatabase(file, { migrations: next }).close()).not.toThrow();
  });

  it('rolls back a failing migration entirely', () => {
    const file = tmp();
    openDatabase(file).close();
    const broken = [...migrations, { version: 2, name: '002-broken', sql: 'CREATE TABLE half (x INTEGER); CREATE TABLE half (y INTEGER);' }];
    expect(() => openDatabase(file, { migrations: broken })).toThrow();
    const db = openDatabase(file);
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses an edited migration', () => {
    const file = tmp();
    openDatabase(file).close();
    const edited = migrations.map((m) => (m.version === 1 ? { ...m, sql: m.sql + '\n-- edited' } : m));
    expect(() => openDatabase(file, { migrations: edited })).toThrow(/differs from the one applied/);
  });

  it('refuses a database from a newer Concord without changing it', () => {
    const file = tmp();
    openDatabase(file, { migrations: [...migrations, FUTURE] }).close();
    const before = readFileSync(file);
    expect(() => openDatabase(file)).toThrow(/newer Concord/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a newer database in rollback-journal mode without switching it to WAL', () => {
    const file = tmp();
    openDatabase(file, { migrations: [...migrations, FUTURE] }).close();
    const raw = new Database(file);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = readFileSync(file);
    expect(() => openDatabase(file)).toThrow(/newer Concord/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('keeps the event log append-only', () => {
    const db = openDatabase(tmp());
    db.prepare("INSERT INTO event (at, actor, kind) VALUES ('t', 'a', 'k')").run();
    expect(() => db.prepare("UPDATE event SET actor = 'b'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM event').run()).toThrow(/append-only/);
    db.close();
  });
});
