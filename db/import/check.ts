import { badInput } from '../../shared/errors.ts';
import { howTheyDiffer, printable } from '../../shared/names.ts';
import type { Db } from '../database.ts';
import { openStore, type Store } from '../data/index.ts';
import { admitAnnotatorName } from '../labels.ts';
import { checkEntryId } from './guards.ts';
import { merge, stateOf, type EntryState, type ImportPlan } from './plan.ts';
import { CONTENT_FIELDS, contentChanges, fieldWords, type ContentField } from './versions.ts';
import { warningKinds } from './warnings.ts';

/**
 * The check between reading a plan and writing it: what the files hold against what the project
 * holds, before anything is written. Refuses ids that hide or mimic others, annotator names that
 * look like someone already here, and an entry whose content changed (unless the import records
 * it as a new version); says whether the import changes anything about an entry already here,
 * so that a backup is taken first.
 */

export interface CheckOptions {
  /** Record an entry whose content changed as a new version, its labels flagged for review, instead of refusing the import. */
  newVersion?: boolean;
}

function describe(field: ContentField, before: EntryState, after: EntryState): string {
  if (field === 'passed') return `passed (${before.passed ? 'passed' : 'failed'} here, ${after.passed ? 'passed' : 'failed'} in the file)`;
  const deepBench = (CONTENT_FIELDS as readonly string[]).includes(field);
  const text = (s: EntryState) => (deepBench ? String(s[field as keyof EntryState]) : (s.texts[field] ?? ''));
  return `${fieldWords(field)} (${text(before).length} characters here, ${text(after).length} in the file)`;
}

const listed = (xs: string[], max = 5) => (xs.length > max ? `${xs.slice(0, max).join('; ')}; and ${xs.length - max} more` : xs.join('; '));

/** Checks a plan against the project; returns whether it changes anything about an entry already here. Writes nothing. */
export function checkPlan(db: Db, plan: ImportPlan, opts: CheckOptions = {}): { touchesExisting: boolean } {
  const store = openStore(db);
  checkIds(store, plan);
  checkAnnotators(store, plan);

  let touches = false;
  const changed: string[] = [];
  plan.newVersions = new Set();
  const seen = new Map<string, EntryState>();
  for (const p of plan.entries) {
    const row = store.entries.row(p.extId);
    if (!row) continue;
    const before = seen.get(p.extId) ?? stateOf(row);
    const after = merge(before, p.fields);
    seen.set(p.extId, after);
    if (JSON.stringify(before) !== JSON.stringify(after)) touches = true;
    const fields = contentChanges(stateOf(row), after);
    if (!fields.length) continue;
    if (opts.newVersion) plan.newVersions.add(p.extId);
    else changed.push(`"${p.extId}" (${p.source.file}${p.source.line !== undefined ? `, line ${p.source.line}` : ''}): ${fields.map((f) => describe(f, stateOf(row), after)).join(', ')}`);
  }
  if (changed.length)
    throw badInput(
      `${changed.length === 1 ? 'an entry already in the project has' : `${changed.length} entries already in the project have`} other content in this file: ${listed(changed)}. Nothing was imported. To keep the file's content as a new version of ${changed.length === 1 ? 'the entry' : 'these entries'} (labels made on the earlier content are kept, flagged for review), import again with --new-version`,
      { file: plan.path, field: 'content' },
    );

  return { touchesExisting: touches || changesWorkOnExistingEntries(store, plan) };
}

/** Whether the plan's labels, notes or model results differ from what entries already here hold. */
function changesWorkOnExistingEntries(store: Store, plan: ImportPlan): boolean {
  const entry = (extId: string) => store.entries.ref(extId);
  const annotator = (name: string) => store.annotators.byName(name);
  for (const l of plan.labels) {
    const e = entry(l.extId);
    if (!e) continue;
    const a = annotator(l.annotator);
    if (!a || store.labels.get(e.rowId, a.id, l.dimension)?.value !== JSON.stringify(l.value)) return true;
  }
  for (const n of plan.notes) {
    const e = entry(n.extId);
    const a = annotator(n.annotator);
    if (e && (!a || store.labels.own('note', e.rowId, a.id)?.value !== n.text)) return true;
  }
  for (const r of plan.modelResults) {
    const e = entry(r.extId);
    if (!e) continue;
    const old = store.modelResults.get(e.rowId, r.model);
    if (!old || old.passed !== (r.passed ? 1 : 0) || old.tests_passed !== r.testsPassed || old.tests_total !== r.testsTotal) return true;
  }
  return false;
}

/**
 * Ids: each one a usable name (guards.ts), none the same text as another written in another
 * Unicode form (NFC and NFD: the same letters, two entries), and ids that differ only in case
 * reported, as they are easily taken for one another.
 */
function checkIds(store: Store, plan: ImportPlan): void {
  const check = (extId: string, where: { file: string; line?: number }, field: string) => checkEntryId(extId, { file: where.file, line: where.line, field });
  for (const p of plan.entries) check(p.extId, p.source, 'id');
  for (const l of plan.labels) check(l.extId, l.source, 'entry_id');
  for (const n of plan.notes) check(n.extId, n.source, 'entry_id');
  for (const r of plan.modelResults) check(r.extId, r.source, 'entry_id');

  const here = store.entries.refs().map((r) => r.id);
  const byForm = new Map<string, string>();
  const byCase = new Map<string, string>();
  for (const id of here) {
    byForm.set(id.normalize('NFC'), id);
    byCase.set(id.normalize('NFC').toLowerCase(), id);
  }
  const hereSet = new Set(here);
  for (const p of plan.entries) {
    const id = p.extId;
    const nfc = id.normalize('NFC');
    const twin = byForm.get(nfc);
    if (twin !== undefined && twin !== id)
      throw badInput(
        `id "${printable(id)}" is the id "${printable(twin)}" ${hereSet.has(twin) ? 'of an entry already in the project' : `(line ${plan.entries.find((q) => q.extId === twin)?.source.line ?? '?'})`} written another way (${howTheyDiffer(id, twin)}); write it the same way everywhere`,
        { file: p.source.file, line: p.source.line, field: 'id' },
      );
    byForm.set(nfc, id);
    const caseTwin = byCase.get(nfc.toLowerCase());
    if (caseTwin !== undefined && caseTwin !== id)
      plan.warnings.push({ file: p.source.file, line: p.source.line, field: 'id', kind: warningKinds.caseTwins, message: `"${printable(id)}" and "${printable(caseTwin)}"` });
    byCase.set(nfc.toLowerCase(), id);
  }
}

/** Annotators the import creates: names that show what they say and look like no one already here. */
function checkAnnotators(store: Store, plan: ImportPlan): void {
  const created: string[] = [];
  for (const name of plan.annotators.keys()) {
    if (store.annotators.byName(name)) continue;
    const line = plan.labels.find((l) => l.annotator === name)?.source.line;
    admitAnnotatorName(store, name, { file: plan.path, line, field: 'annotator' }, created);
    created.push(name);
  }
}

