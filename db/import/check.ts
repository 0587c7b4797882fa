import { badInput } from '../../shared/errors.ts';
import { howTheyDiffer, printable } from '../../shared/names.ts';
import type { Db } from '../database.ts';
import { openStore, type Store } from '../data/index.ts';
import { admitAnnotatorName } from '../labels.ts';
import { checkEntryId } from './guards.ts';
import { merge, stateOf, type EntryPatch, type EntryState, type ImportPlan, type PlannedLabel, type PlannedModelResult, type PlannedNote } from './plan.ts';
import type { ImportWarning } from '../../shared/types.ts';
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

/**
 * Checks a plan against the project, a record at a time: each of a large file's records is given
 * to it as the file is read (index.ts), and let go; only what the check needs is kept (the ids,
 * the first line of each annotator, the entries whose content changed). `finish` runs the checks
 * that need the whole file and says whether the import changes anything about an entry already
 * here. Writes nothing.
 */
export class PlanCheck {
  private readonly store: Store;
  /** Every id here and in the file so far, by its NFC form and by that in lower case, with the line an id of the file is on. */
  private readonly byForm = new Map<string, { id: string; line?: number }>();
  private readonly byCase = new Map<string, string>();
  private readonly here: Set<string>;
  /** An entry's state after the file's earlier records (a folder may name an entry twice; a CSV or JSONL file may not). */
  private readonly merged = new Map<string, EntryState>();
  private readonly firstLine = new Map<string, number | undefined>();
  private readonly changed: string[] = [];
  private changedCount = 0;
  private touches = false;
  private readonly warnings: ImportWarning[] = [];

  constructor(
    db: Db,
    private readonly opts: CheckOptions = {},
    /** Whether an id may come again in the file, merged with what came before (a folder of files). */
    private readonly repeats = true,
  ) {
    this.store = openStore(db);
    this.since = this.store.events.newest()?.id ?? 0;
    this.here = new Set(this.store.entries.refs().map((r) => r.id));
    for (const id of this.here) {
      const nfc = id.normalize('NFC');
      this.byForm.set(nfc, { id });
      this.byCase.set(nfc.toLowerCase(), id);
    }
  }

  /** Ids: each one a usable name (guards.ts), none the same text as another written in another Unicode form; ids that differ only in case are reported. */
  entry(p: EntryPatch): void {
    const id = p.extId;
    checkEntryId(id, { file: p.source.file, line: p.source.line, field: 'id' });
    const nfc = id.normalize('NFC');
    const twin = this.byForm.get(nfc);
    if (twin !== undefined && twin.id !== id)
      throw badInput(
        `id "${printable(id)}" is the id "${printable(twin.id)}" ${this.here.has(twin.id) ? 'of an entry already in the project' : `(line ${twin.line ?? '?'})`} written another way (${howTheyDiffer(id, twin.id)}); write it the same way everywhere`,
        { file: p.source.file, line: p.source.line, field: 'id' },
      );
    if (!twin) this.byForm.set(nfc, { id, line: p.source.line });
    const caseTwin = this.byCase.get(nfc.toLowerCase());
    if (caseTwin !== undefined && caseTwin !== id)
      this.warnings.push({ file: p.source.file, line: p.source.line, field: 'id', kind: warningKinds.caseTwins, message: `"${printable(id)}" and "${printable(caseTwin)}"` });
    this.byCase.set(nfc.toLowerCase(), id);

    // Only an entry already here has a row to compare with (most of a first import's have none).
    const row = this.here.has(p.extId) ? this.store.entries.row(p.extId) : undefined;
    if (!row) return;
    const stored = stateOf(row);
    const before = this.merged.get(p.extId) ?? stored;
    const after = merge(before, p.fields);
    if (this.repeats) this.merged.set(p.extId, after);
    if (JSON.stringify(before) !== JSON.stringify(after)) this.touches = true;
    const fields = contentChanges(stored, after);
    if (!fields.length) return;
    if (this.opts.newVersion) {
      this.newVersions.add(p.extId);
      return;
    }
    // The message lists a few; the rest are counted.
    if (this.changed.length < LISTED)
      this.changed.push(`"${p.extId}" (${p.source.file}${p.source.line !== undefined ? `, line ${p.source.line}` : ''}): ${fields.map((f) => describe(f, stored, after)).join(', ')}`);
    this.changedCount++;
  }

  /** Where the event log stood when the check began. */
  private readonly since: number;

  /**
   * What was written to the project while the check ran (an async read of the file, during which
   * the app goes on answering): `recheck` when entries or annotators changed, which the check's
   * refusals depend on; `overwrites` when the plan's annotators wrote, model results changed or a
   * pack was merged, so that the import backs up what it may now overwrite though the check saw
   * nothing to overwrite. Other writes (other annotators labelling meanwhile) need neither.
   */
  changedSince(plan: ImportPlan): { recheck: boolean; overwrites: boolean } {
    const written = this.store.events.writtenSince(this.since);
    return {
      recheck: written.some((w) => w.kind.startsWith('entry.') || w.kind.startsWith('annotator.')),
      overwrites: written.some((w) => plan.annotators.has(w.actor) || w.kind === 'pack.merge' || (w.kind === 'model-result.set' && plan.modelResults.length > 0)),
    };
  }

  /** Entries whose content changes and is kept as a new version (with `newVersion`). */
  readonly newVersions = new Set<string>();

  label(l: PlannedLabel): void {
    checkEntryId(l.extId, { file: l.source.file, line: l.source.line, field: 'entry_id' });
    if (!this.firstLine.has(l.annotator)) this.firstLine.set(l.annotator, l.source.line);
    if (this.touches) return;
    const e = this.store.entries.ref(l.extId);
    if (!e) return;
    const a = this.store.annotators.byName(l.annotator);
    if (!a || this.store.labels.get(e.rowId, a.id, l.dimension)?.value !== JSON.stringify(l.value)) this.touches = true;
  }

  note(n: PlannedNote): void {
    checkEntryId(n.extId, { file: n.source.file, line: n.source.line, field: 'entry_id' });
    if (this.touches) return;
    const e = this.store.entries.ref(n.extId);
    const a = this.store.annotators.byName(n.annotator);
    if (e && (!a || this.store.labels.own('note', e.rowId, a.id)?.value !== n.text)) this.touches = true;
  }

  modelResult(r: PlannedModelResult): void {
    checkEntryId(r.extId, { file: r.source.file, line: r.source.line, field: 'entry_id' });
    if (this.touches) return;
    const e = this.store.entries.ref(r.extId);
    if (!e) return;
    const old = this.store.modelResults.get(e.rowId, r.model);
    if (!old || old.passed !== (r.passed ? 1 : 0) || old.tests_passed !== r.testsPassed || old.tests_total !== r.testsTotal) this.touches = true;
  }

  /** Every record of a plan held in memory. */
  all(plan: ImportPlan): void {
    for (const p of plan.entries) this.entry(p);
    for (const l of plan.labels) this.label(l);
    for (const n of plan.notes) this.note(n);
    for (const r of plan.modelResults) this.modelResult(r);
  }

  /** The checks that need the whole file, once every record has been given; returns whether the import changes anything about an entry already here. */
  finish(plan: ImportPlan): { touchesExisting: boolean } {
    plan.warnings.push(...this.warnings);
    this.warnings.length = 0;
    // What was kept for the checks is let go before the plan is written.
    this.byForm.clear();
    this.byCase.clear();
    this.here.clear();
    this.merged.clear();
    checkAnnotators(this.store, plan, this.firstLine);
    const n = this.changedCount;
    if (n) {
      const more = n > this.changed.length ? `; and ${n - this.changed.length} more` : '';
      throw badInput(
        `${n === 1 ? 'an entry already in the project has' : `${n} entries already in the project have`} other content in this file: ${this.changed.join('; ')}${more}. Nothing was imported. To keep the file's content as a new version of ${n === 1 ? 'the entry' : 'these entries'} (labels made on the earlier content are kept, flagged for review), import again with --new-version`,
        { file: plan.path, field: 'content' },
      );
    }
    plan.newVersions = this.newVersions;
    return { touchesExisting: this.touches };
  }
}

/** How many changed entries a refusal lists by name. */
const LISTED = 5;

/** Checks a plan held in memory against the project (PlanCheck, every record at once). */
export function checkPlan(db: Db, plan: ImportPlan, opts: CheckOptions = {}): { touchesExisting: boolean } {
  const check = new PlanCheck(db, opts);
  check.all(plan);
  return check.finish(plan);
}

/** Annotators the import creates: names that show what they say and look like no one already here. */
function checkAnnotators(store: Store, plan: ImportPlan, firstLine: Map<string, number | undefined>): void {
  const created: string[] = [];
  for (const name of plan.annotators.keys()) {
    if (store.annotators.byName(name)) continue;
    admitAnnotatorName(store, name, { file: plan.path, line: firstLine.get(name), field: 'annotator' }, created);
    created.push(name);
  }
}
