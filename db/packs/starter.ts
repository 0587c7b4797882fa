import { openDatabase } from '../database.ts';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { badInput } from '../../shared/errors.ts';
import { assignedEntryIds } from '../assignments.ts';
import { now, type Db, type OpenOptions } from '../database.ts';
import { appendEvent } from '../events.ts';
import { findAnnotator } from './export.ts';

export interface StarterResult {
  file: string;
  annotator: string;
  entries: number;
  /** The annotator's own labels carried over (a starter made after earlier merges keeps them). */
  labels: number;
}

/**
 * Writes a starter file for one annotator: a Concord project database with the project (same
 * uid, so its packs come back to this project), the codebook, the annotator's entries and that
 * annotator's own work, and nothing of anyone else's (no other annotators, labels, notes,
 * decisions or event history). An existing file is never overwritten: it may hold labels.
 */
export function writeStarter(src: Db, args: { annotator: string; out: string }, opts: OpenOptions = {}): StarterResult {
  const a = findAnnotator(src, args.annotator);
  if (!a) throw badInput(`unknown annotator "${args.annotator}" in this project`, { field: 'annotator' });
  if (a.role === 'reference') throw badInput(`"${a.name}" holds imported reference labels and does not label; no starter file for them`, { field: 'annotator' });
  if (existsSync(args.out)) throw badInput(`${args.out} already exists; a starter file never replaces a database (it may hold labels)`, { file: args.out });
  const assigned = assignedEntryIds(src, a.name);
  const anyAssigned = (src.prepare('SELECT 1 FROM assignment LIMIT 1').get() as unknown) !== undefined;
  if (!assigned && anyAssigned) throw badInput(`"${a.name}" has no assigned entries; assign some first (concord assign)`, { field: 'annotator' });

  const project = src.prepare('SELECT name, codebook_json, created_at, uid FROM project WHERE id = 1').get() as {
    name: string;
    codebook_json: string;
    created_at: string;
    uid: string;
  };
  const entries = (src.prepare('SELECT * FROM entry ORDER BY ext_id').all() as Record<string, unknown>[]).filter(
    (e) => !assigned || assigned.has(e.ext_id as string),
  );
  const srcIds = new Map(entries.map((e) => [e.id as number, e.ext_id as string]));
  const own = <T extends { entry_id: number }>(sql: string) => (src.prepare(sql).all(a.id) as T[]).filter((r) => srcIds.has(r.entry_id));
  const labels = own<{ entry_id: number; dimension: string; value: string; codebook_version: string; updated_at: string }>('SELECT * FROM label WHERE annotator_id = ?');
  const cleared = own<{ entry_id: number; dimension: string; codebook_version: string; cleared_at: string }>('SELECT * FROM label_clear WHERE annotator_id = ?');
  const notes = own<{ entry_id: number; text: string; updated_at: string }>('SELECT * FROM note WHERE annotator_id = ?');
  const subs = own<{ entry_id: number; status: string; updated_at: string }>('SELECT * FROM submission WHERE annotator_id = ?');

  // Built beside the target and renamed into place, so a failure leaves no half-made file.
  const tmp = `${args.out}.tmp-${process.pid}`;
  const cleanup = () => ['', '-wal', '-shm', '-journal'].forEach((s) => rmSync(tmp + s, { force: true }));
  cleanup();
  const db = openDatabase(tmp, opts);
  try {
    db.transaction(() => {
      const at = now();
      db.prepare('INSERT INTO project (id, name, codebook_json, created_at, uid) VALUES (1, ?, ?, ?, ?)').run(project.name, project.codebook_json, project.created_at, project.uid);
      const aid = Number(db.prepare('INSERT INTO annotator (name, role, created_at) VALUES (?, ?, ?)').run(a.name, a.role, at).lastInsertRowid);
      const cols = ['ext_id', 'prompt', 'ground_truth', 'output', 'test_log', 'passed', 'failing_tests', 'metadata', 'content_hash', 'created_at', 'updated_at'];
      const insertEntry = db.prepare(`INSERT INTO entry (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
      const newId = new Map<number, number>();
      for (const e of entries) newId.set(e.id as number, Number(insertEntry.run(...cols.map((c) => e[c])).lastInsertRowid));
      if (assigned) for (const id of newId.values()) db.prepare('INSERT INTO assignment (entry_id, annotator_id) VALUES (?, ?)').run(id, aid);
      for (const l of labels)
        db.prepare('INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
          newId.get(l.entry_id),
          aid,
          l.dimension,
          l.value,
          l.codebook_version,
          l.updated_at,
        );
      for (const c of cleared)
        db.prepare('INSERT INTO label_clear (entry_id, annotator_id, dimension, codebook_version, cleared_at) VALUES (?, ?, ?, ?, ?)').run(
          newId.get(c.entry_id),
          aid,
          c.dimension,
          c.codebook_version,
          c.cleared_at,
        );
      for (const n of notes) db.prepare('INSERT INTO note (entry_id, annotator_id, text, updated_at) VALUES (?, ?, ?, ?)').run(newId.get(n.entry_id), aid, n.text, n.updated_at);
      for (const s of subs)
        db.prepare('INSERT INTO submission (entry_id, annotator_id, status, updated_at) VALUES (?, ?, ?, ?)').run(newId.get(s.entry_id), aid, s.status, s.updated_at);
      appendEvent(db, { actor: 'system', kind: 'project.create', after: { name: project.name, uid: project.uid, starterFor: a.name }, at });
      appendEvent(db, { actor: a.name, kind: 'pack.starter', after: { annotator: a.name, entries: entries.length, labels: labels.length }, at });
    })();
    db.close();
    renameSync(tmp, args.out);
  } catch (e) {
    if (db.open) db.close();
    cleanup();
    throw e;
  }
  return { file: args.out, annotator: a.name, entries: entries.length, labels: labels.length };
}
