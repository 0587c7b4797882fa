import { existsSync, renameSync, rmSync } from 'node:fs';
import { badInput } from '../../shared/errors.ts';
import { assignedEntryIds } from '../assignments.ts';
import { now, openDatabase, type Db, type OpenOptions } from '../database.ts';
import { openStore } from '../data/index.ts';
import { findAnnotator } from './export.ts';
import { secretFor } from './sign.ts';

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
 * decisions or event history). It carries the annotator's pack secret, so the packs it makes are
 * signed as theirs, and their logical clock, so their next write wins over everything copied.
 * An existing file is never overwritten: it may hold labels.
 */
export function writeStarter(src: Db, args: { annotator: string; out: string }, opts: OpenOptions = {}): StarterResult {
  const a = findAnnotator(src, args.annotator);
  if (!a) throw badInput(`unknown annotator "${args.annotator}" in this project`, { field: 'annotator' });
  if (a.role === 'reference') throw badInput(`"${a.name}" holds imported reference labels and does not label; no starter file for them`, { field: 'annotator' });
  if (existsSync(args.out)) throw badInput(`${args.out} already exists; a starter file never replaces a database (it may hold labels)`, { file: args.out });
  const assigned = assignedEntryIds(src, a.name);
  const source = openStore(src);
  if (!assigned && source.assignments.any()) throw badInput(`"${a.name}" has no assigned entries; assign some first (concord assign)`, { field: 'annotator' });

  const project = source.project.row();
  // The annotator's pack secret: made here if need be, and copied into their file and nowhere else.
  const secret = source.transaction(() => secretFor(source, a.id));
  const clock = source.labels.clockOf(a.id);
  const entries = source.entries.refs().filter((e) => !assigned || assigned.has(e.id));
  const srcIds = new Set(entries.map((e) => e.rowId));
  const all = source.labels.ownRows(a.id);
  const onTheseEntries = <T extends { entry_id: number }>(rows: T[]) => rows.filter((r) => srcIds.has(r.entry_id));
  const own = {
    labels: onTheseEntries(all.labels),
    cleared: onTheseEntries(all.cleared),
    notes: onTheseEntries(all.notes),
    submissions: onTheseEntries(all.submissions),
  };

  // Built beside the target and renamed into place, so a failure leaves no half-made file.
  const tmp = `${args.out}.tmp-${process.pid}`;
  const cleanup = () => ['', '-wal', '-shm', '-journal'].forEach((s) => rmSync(tmp + s, { force: true }));
  cleanup();
  const db = openDatabase(tmp, opts);
  try {
    const store = openStore(db);
    store.transaction(() => {
      const at = now();
      store.project.insert({ name: project.name, codebookJson: project.codebookJson, createdAt: project.createdAt, uid: project.uid });
      const aid = store.annotators.insert(a.name, a.role, at);
      const newId = new Map<number, number>();
      // One entry's texts at a time, so a large project is copied in little memory.
      for (const e of source.entries.rows()) if (srcIds.has(e.id)) newId.set(e.id, store.entries.insertCopy(e));
      if (assigned) for (const id of newId.values()) store.assignments.insert(id, aid);
      store.labels.insertCopies(own, aid, (id) => newId.get(id)!);
      store.keys.put(aid, secret, at);
      store.labels.observe(aid, clock);
      // Their comments come along too, so a thread begun in the lead's file continues offline.
      for (const c of source.comments.packComments(a.id)) if (newId.has(c.entry_id)) store.comments.insertCopy(newId.get(c.entry_id)!, aid, c.text, c.created_at, c.deleted_at);
      // And the labels they are to look at again after a change of meaning, so their queue's filter finds them offline.
      for (const r of source.reviews.ofAnnotator(a.id)) if (newId.has(r.entry_id)) store.reviews.put(newId.get(r.entry_id)!, aid, r.dimension, r.version, r.reason, r.created_at);
      store.events.append({ actor: 'system', kind: 'project.create', after: { name: project.name, uid: project.uid, starterFor: a.name }, at });
      store.events.append({ actor: a.name, kind: 'pack.starter', after: { annotator: a.name, entries: entries.length, labels: own.labels.length }, at });
    });
    db.close();
    renameSync(tmp, args.out);
  } catch (e) {
    if (db.open) db.close();
    cleanup();
    throw e;
  }
  return { file: args.out, annotator: a.name, entries: entries.length, labels: own.labels.length };
}
