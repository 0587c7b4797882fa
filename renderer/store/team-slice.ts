import type { AnnotatorProgress, AutoAssignResult, BackupInfo, EntryAssignment, PackExport, PackImportSummary, RestoreResult, StarterFile } from '../../shared/types.ts';
import { api } from './client.ts';
import { describeError, isLead } from './session-slice.ts';
import type { Slice } from './types.ts';

/** A finished action of the Team view: what it did, or why it was refused. */
export type Outcome<T> = { ok: true; result: T } | { ok: false; error: string };

/** What is kept of a downloaded starter file: for whom, and what is in it (not its bytes). */
export interface StarterSummary {
  annotator: string;
  fileName: string;
  entries: number;
  labels: number;
}

export interface TeamSlice {
  teamProgress: AnnotatorProgress[] | null;
  teamBackups: BackupInfo[] | null;
  teamLoading: boolean;
  teamError: string | null;
  /** The action under way ("assign", "assign-set", "starter:<name>", "export", "import", "backup", "restore"), one at a time. */
  teamBusy: string | null;
  assignOutcome: Outcome<AutoAssignResult> | null;
  /** The last assignment by hand: the entries' assignees now, or why nothing was changed. */
  assignSetOutcome: Outcome<EntryAssignment[]> | null;
  /** The last starter file, with the annotator it was asked for (also on a refusal). */
  starterOutcome: (Outcome<StarterSummary> & { annotator: string }) | null;
  packExportOutcome: Outcome<PackExport> | null;
  packImportOutcome: Outcome<PackImportSummary> | null;
  backupOutcome: Outcome<BackupInfo> | null;
  restoreOutcome: Outcome<RestoreResult> | null;
  loadTeam(): Promise<void>;
  autoAssign(perEntry: number, annotators: string[]): Promise<void>;
  /** Makes `annotators` exactly the assignees of each entry (none: unassigns them); all or nothing. */
  assignByHand(entryIds: string[], annotators: string[]): Promise<void>;
  /** A starter project file for one annotator, for the view to save; null when it was refused. */
  makeStarter(annotator: string): Promise<StarterFile | null>;
  /** The pack's text and suggested name, for the view to save; null when it was refused. */
  exportPack(annotator: string): Promise<PackExport | null>;
  /** `trustUnsigned`: merge version 1 packs (made before packs were signed) on the lead's word, which the event log records. */
  importPacks(packs: { name: string; text: string }[], trustUnsigned?: boolean): Promise<void>;
  createBackup(): Promise<void>;
  restoreBackup(name: string): Promise<void>;
}

let loadSeq = 0;

export const createTeamSlice: Slice<TeamSlice> = (set, get) => {
  /** Runs one action of the view: marks it busy, records the outcome, never throws. */
  async function act<T>(name: string, key: keyof TeamSlice, work: () => Promise<T>): Promise<T | null> {
    set({ teamBusy: name, [key]: null } as Partial<TeamSlice>);
    try {
      const result = await work();
      set({ teamBusy: null, [key]: { ok: true, result } } as Partial<TeamSlice>);
      return result;
    } catch (e) {
      set({ teamBusy: null, [key]: { ok: false, error: describeError(e) } } as Partial<TeamSlice>);
      return null;
    }
  }

  /** After a merge or a restore the project under the whole app has changed. */
  async function reloadProject(): Promise<void> {
    await get().refreshProject();
    await get().loadQueue();
    await get().loadTeam();
  }

  return {
    teamProgress: null,
    teamBackups: null,
    teamLoading: false,
    teamError: null,
    teamBusy: null,
    assignOutcome: null,
    assignSetOutcome: null,
    starterOutcome: null,
    packExportOutcome: null,
    packImportOutcome: null,
    backupOutcome: null,
    restoreOutcome: null,

    async loadTeam() {
      const seq = ++loadSeq;
      set({ teamLoading: true, teamError: null });
      try {
        // Backups are the lead's; an annotator's Team view has no use for them (and may not list them).
        const [progress, backups] = await Promise.all([
          api().call('assignments.progress', {}),
          isLead(get()) ? api().call('backups.list', { as: get().me ?? '' }) : Promise.resolve([]),
        ]);
        if (seq === loadSeq) set({ teamProgress: progress, teamBackups: backups, teamLoading: false });
      } catch (e) {
        if (seq === loadSeq) set({ teamLoading: false, teamError: describeError(e) });
      }
    },

    async autoAssign(perEntry, annotators) {
      const r = await act('assign', 'assignOutcome', () => api().call('assignments.auto', { as: get().me ?? '', perEntry, annotators }));
      if (r) {
        set({ teamProgress: r.progress });
        if (r.annotatorsCreated.length) await get().refreshProject();
        await get().loadQueue();
      }
    },

    async assignByHand(entryIds, annotators) {
      const r = await act('assign-set', 'assignSetOutcome', () => api().call('assignments.set', { as: get().me ?? '', entryIds, annotators }));
      if (r) {
        // Queues changed: the progress table, and the Label view's queue if it is someone's here.
        await get().loadTeam();
        await get().loadQueue();
      }
    },

    async makeStarter(annotator) {
      set({ teamBusy: `starter:${annotator}`, starterOutcome: null });
      try {
        const file = await api().call('packs.starter', { as: get().me ?? '', annotator });
        const { fileName, entries, labels } = file;
        set({ teamBusy: null, starterOutcome: { annotator, ok: true, result: { annotator, fileName, entries, labels } } });
        return file;
      } catch (e) {
        set({ teamBusy: null, starterOutcome: { annotator, ok: false, error: describeError(e) } });
        return null;
      }
    },

    exportPack: (annotator) => act('export', 'packExportOutcome', () => api().call('packs.export', { as: get().me ?? '', annotator })),

    async importPacks(packs, trustUnsigned) {
      const r = await act('import', 'packImportOutcome', () => api().call('packs.import', { as: get().me ?? '', packs, ...(trustUnsigned ? { trustUnsigned } : {}) }));
      if (r) await reloadProject();
    },

    async createBackup() {
      const r = await act('backup', 'backupOutcome', () => api().call('backups.create', { as: get().me ?? '' }));
      if (r) await get().loadTeam();
    },

    async restoreBackup(name) {
      const r = await act('restore', 'restoreOutcome', () => api().call('backups.restore', { as: get().me ?? '', name }));
      if (r) await reloadProject();
    },
  };
};
