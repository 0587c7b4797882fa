import type { Remap, Split } from '../../shared/codebook/diff.ts';
import type { Codebook } from '../../shared/codebook/schema.ts';
import type {
  AgreementGroup,
  CodebookPreview,
  CodebookRevisionInfo,
  CodebookUsage,
  EntryComment,
  EntryDiscussion,
  GoldAccuracy,
  ReviewItem,
  ReviewPage,
  RoundInfo,
} from '../../shared/types.ts';
import { api } from './client.ts';
import { describeError } from './session-slice.ts';
import type { Slice } from './types.ts';

/**
 * Any study: the codebook editor's draft and what publishing it would do, the codebook's history,
 * the labels listed for re-review, calibration rounds and gold accuracy (the lead's), and, for
 * whoever labels, their own comments and re-review items on the entry in front of them.
 */
export interface StudySlice {
  /** The codebook being edited (null: no draft, the editor shows the one in use). */
  cbDraft: Codebook | null;
  /** Where the labels of values that leave the draft go, and splits the lead declared. */
  cbRemap: Remap[];
  cbSplits: Split[];
  /** Keys of definition edits marked as wording only. */
  cbWordingOnly: string[];
  cbNote: string;
  cbRound: string | null;
  cbPreview: CodebookPreview | null;
  cbPublishing: boolean;
  cbUsage: CodebookUsage[];
  cbHistory: CodebookRevisionInfo[];
  /** The lead's re-review list as far as paged in (null: not asked yet). */
  cbReviews: ReviewPage | null;
  /** Alpha per version: the figures at once, their intervals when the job computing them is done. */
  versionGroups: AgreementGroup[] | null;
  /** The bootstrap of the versions' intervals under way (null: none). */
  versionIntervals: IntervalsJob | null;

  rounds: RoundInfo[];
  roundGroups: AgreementGroup[] | null;
  roundIntervals: IntervalsJob | null;
  /** The Rounds view is asking for fresh figures. */
  roundsLoading: boolean;
  goldAcc: GoldAccuracy | null;

  /** The signed-in person's comments and re-review items on the entry they are labelling. */
  myComments: { entryId: string; comments: EntryComment[] } | null;
  myReviews: { entryId: string; items: ReviewItem[] } | null;

  /** What the adjudicator sees beside the grid of the open entry. */
  discussion: EntryDiscussion | null;

  startDraft(): void;
  setDraft(next: Codebook, extra?: { remap?: Remap[]; splits?: Split[] }): void;
  setDestination(dimension: string, from: string, to: string | null): void;
  setPublishOptions(patch: { wordingOnly?: string[]; note?: string; round?: string | null }): void;
  discardDraft(): void;
  previewDraft(): Promise<CodebookPreview | null>;
  publishDraft(): Promise<boolean>;
  loadCodebookStudy(): Promise<void>;
  loadVersionGroups(): Promise<void>;
  /** Stops the bootstrap of the intervals of the groups by round or version (the figures stay). */
  cancelIntervals(by: 'round' | 'version'): Promise<void>;

  loadRounds(): Promise<void>;
  createRound(args: { name: string; note?: string; sample?: { size: number; seed?: number }; entryIds?: string[] }): Promise<boolean>;
  closeRound(name: string, open?: boolean): Promise<void>;
  /** Opens the adjudication queue of one round. */
  discussRound(name: string): Promise<void>;

  /** This person's comments on one entry. */
  loadMyComments(entryId: string): Promise<void>;
  /** This person's labels on one entry listed for re-review (a change of meaning may list tens of thousands in all). */
  loadMyReviews(entryId: string): Promise<void>;
  /** The next page of the lead's re-review list. */
  loadMoreReviews(): Promise<void>;
  addComment(entryId: string, text: string): Promise<boolean>;
  deleteComment(id: number): Promise<void>;
  confirmReview(entryId: string, dimension: string): Promise<void>;

  loadDiscussion(entryId: string): Promise<void>;
  setReason(dimension: string, reason: EntryDiscussion['reasons'][number]['reason'] | null): Promise<void>;
  decideRevision(dimension: string, text: string | null): Promise<void>;
  markGold(): Promise<void>;
  /** The lead's own labels on an entry become its gold answer. */
  markGoldFromMine(entryId: string): Promise<void>;
  addLeadComment(text: string): Promise<void>;
}

/** A bootstrap of groups' intervals running off the request thread: resamples drawn of all. */
export interface IntervalsJob {
  jobId: string;
  done: number;
  total: number;
}

let previewSeq = 0;
const groupsSeq = { round: 0, version: 0 };
const POLL_MS = 250;
/** Resamples per figure of a group's interval. */
const GROUP_RESAMPLES = 200;

export const createStudySlice: Slice<StudySlice> = (set, get) => {
  const lead = () => ({ as: get().me ?? '' });
  const fail = (e: unknown) => get().notify(describeError(e), 'error');
  const draftArgs = () => {
    const s = get();
    return {
      ...lead(),
      codebook: (s.cbDraft ?? s.codebook!) as unknown as Record<string, unknown>,
      remap: s.cbRemap,
      splits: s.cbSplits,
      wordingOnly: s.cbWordingOnly,
      note: s.cbNote || undefined,
      round: s.cbRound ?? undefined,
    };
  };

  /**
   * Alpha per round or version: the figures at once, then their intervals from the job that
   * bootstraps them off the request thread (seconds on a large study), followed until done; a
   * newer load of the same groups stops it.
   */
  const loadGroups = async (by: 'round' | 'version', seq: number, show: (groups: AgreementGroup[]) => void) => {
    const key = by === 'round' ? 'roundIntervals' : 'versionIntervals';
    const current = () => seq === groupsSeq[by];
    let job = await api().call('agreement.groupsStart', { ...lead(), by, bootstrap: GROUP_RESAMPLES });
    const follow = async () => {
      if (!current()) return;
      show(job.groups);
      try {
        while (!['done', 'failed', 'cancelled'].includes(job.progress.phase)) {
          if (!current()) {
            void api().call('jobs.cancel', { jobId: job.jobId }).catch(() => {});
            return;
          }
          set({ [key]: { jobId: job.jobId, done: job.progress.done, total: job.progress.total } });
          await new Promise((r) => setTimeout(r, POLL_MS));
          job = await api().call('agreement.groupsJob', { ...lead(), jobId: job.jobId });
        }
      } finally {
        if (current()) set({ [key]: null });
      }
      if (!current()) return;
      if (job.progress.phase === 'done') show(job.groups);
      else if (job.progress.phase === 'failed') get().notify(`The intervals were not computed: ${job.error?.message ?? 'the bootstrap failed'}`, 'error');
    };
    return follow;
  };

  return {
    cbDraft: null,
    cbRemap: [],
    cbSplits: [],
    cbWordingOnly: [],
    cbNote: '',
    cbRound: null,
    cbPreview: null,
    cbPublishing: false,
    cbUsage: [],
    cbHistory: [],
    cbReviews: null,
    versionGroups: null,
    versionIntervals: null,
    rounds: [],
    roundGroups: null,
    roundIntervals: null,
    roundsLoading: false,
    goldAcc: null,
    myComments: null,
    myReviews: null,
    discussion: null,

    startDraft() {
      if (!get().cbDraft && get().codebook) set({ cbDraft: structuredClone(get().codebook!), cbRemap: [], cbSplits: [], cbWordingOnly: [], cbPreview: null });
    },
    setDraft(next, extra) {
      set((s) => ({
        cbDraft: next,
        cbRemap: extra?.remap ? [...s.cbRemap.filter((r) => !extra.remap!.some((x) => x.dimension === r.dimension && x.from === r.from)), ...extra.remap] : s.cbRemap,
        cbSplits: extra?.splits ? [...s.cbSplits, ...extra.splits] : s.cbSplits,
        cbPreview: null,
      }));
    },
    setDestination(dimension, from, to) {
      set((s) => ({ cbRemap: [...s.cbRemap.filter((r) => !(r.dimension === dimension && r.from === from)), { dimension, from, to }] }));
      void get().previewDraft();
    },
    setPublishOptions(patch) {
      set((s) => ({
        cbWordingOnly: patch.wordingOnly ?? s.cbWordingOnly,
        cbNote: patch.note ?? s.cbNote,
        cbRound: patch.round === undefined ? s.cbRound : patch.round,
      }));
      if (patch.wordingOnly) void get().previewDraft();
    },
    discardDraft() {
      set({ cbDraft: null, cbRemap: [], cbSplits: [], cbWordingOnly: [], cbNote: '', cbRound: null, cbPreview: null });
    },
    async previewDraft() {
      if (!get().cbDraft) return null;
      const seq = ++previewSeq;
      try {
        const p = await api().call('codebook.preview', draftArgs());
        if (seq === previewSeq) set({ cbPreview: p });
        return p;
      } catch (e) {
        // A draft the schema refuses (a clashing hotkey, an empty label) is shown as a problem.
        const p: CodebookPreview = { version: get().codebook?.version ?? '', newVersion: false, changes: [], needsDestination: [], reviews: 0, problems: [describeError(e)] };
        if (seq === previewSeq) set({ cbPreview: p });
        return p;
      }
    },
    async publishDraft() {
      set({ cbPublishing: true });
      try {
        const r = await api().call('codebook.publish', draftArgs());
        const codebook = await api().call('project.codebook', {});
        set({ codebook });
        get().discardDraft();
        await get().refreshProject();
        get().notify(
          `Published ${r.revision.newVersion ? `version ${r.revision.version}` : `revision ${r.revision.revision} (version ${r.revision.version} kept)`}` +
            (r.moved.labels ? `; ${r.moved.labels} labels moved` : '') +
            (r.reviews ? `; ${r.reviews} listed for re-review` : '') +
            '.',
        );
        await get().loadCodebookStudy();
        return true;
      } catch (e) {
        fail(e);
        return false;
      } finally {
        set({ cbPublishing: false });
      }
    },
    async loadCodebookStudy() {
      try {
        const [history, usage, reviews, rounds] = await Promise.all([
          api().call('codebook.history', {}),
          api().call('codebook.usage', lead()),
          api().call('reviews.all', lead()),
          api().call('rounds.list', {}),
        ]);
        set({ cbHistory: history, cbUsage: usage, cbReviews: reviews, rounds });
      } catch (e) {
        fail(e);
      }
    },
    async loadVersionGroups() {
      // Labels change between visits: never show the figures of an earlier one as current.
      set({ versionGroups: null });
      const seq = ++groupsSeq.version;
      try {
        const follow = await loadGroups('version', seq, (groups) => set({ versionGroups: groups }));
        await follow();
      } catch (e) {
        fail(e);
      }
    },
    async cancelIntervals(by) {
      const job = by === 'round' ? get().roundIntervals : get().versionIntervals;
      if (job) await api().call('jobs.cancel', { jobId: job.jobId });
    },

    async loadRounds() {
      set({ roundsLoading: true });
      const seq = ++groupsSeq.round;
      try {
        const [rounds, follow, acc] = await Promise.all([
          api().call('rounds.list', {}),
          loadGroups('round', seq, (groups) => set({ roundGroups: groups })),
          api().call('gold.accuracy', lead()),
        ]);
        if (seq !== groupsSeq.round) return;
        set({ rounds, goldAcc: acc });
        await follow();
      } catch (e) {
        fail(e);
      } finally {
        if (seq === groupsSeq.round) set({ roundsLoading: false });
      }
    },
    async createRound(args) {
      try {
        const r = await api().call('rounds.create', { ...lead(), ...args });
        get().notify(`Round “${r.name}” made: ${r.entries} entries.`);
        await get().loadRounds();
        return true;
      } catch (e) {
        fail(e);
        return false;
      }
    },
    async closeRound(name, open) {
      try {
        await api().call('rounds.close', { ...lead(), name, open });
        await get().loadRounds();
      } catch (e) {
        fail(e);
      }
    },
    async discussRound(name) {
      set({ adjRound: name, adjConflictsOnly: false });
      get().setView('adjudicate');
    },

    async loadMyComments(entryId) {
      const me = get().me;
      if (!me) return;
      try {
        const comments = await api().call('comments.list', { annotator: me, entryId });
        if (get().me === me) set({ myComments: { entryId, comments } });
      } catch (e) {
        fail(e);
      }
    },
    async loadMyReviews(entryId) {
      const me = get().me;
      if (!me) return;
      try {
        const items = await api().call('reviews.list', { annotator: me, entryId });
        if (get().me === me) set({ myReviews: { entryId, items } });
      } catch (e) {
        fail(e);
      }
    },
    async loadMoreReviews() {
      const shown = get().cbReviews;
      if (!shown || shown.items.length >= shown.total) return;
      try {
        const next = await api().call('reviews.all', { ...lead(), offset: shown.items.length });
        // Unless the list was read again meanwhile.
        if (get().cbReviews === shown) set({ cbReviews: { ...next, offset: 0, items: [...shown.items, ...next.items] } });
      } catch (e) {
        fail(e);
      }
    },
    async addComment(entryId, text) {
      const me = get().me;
      if (!me || !text.trim()) return false;
      try {
        const comments = await api().call('comments.add', { annotator: me, entryId, text });
        set({ myComments: { entryId, comments } });
        return true;
      } catch (e) {
        fail(e);
        return false;
      }
    },
    async deleteComment(id) {
      const me = get().me;
      const at = get().myComments;
      if (!me || !at) return;
      try {
        set({ myComments: { entryId: at.entryId, comments: await api().call('comments.delete', { annotator: me, id }) } });
      } catch (e) {
        fail(e);
      }
    },
    async confirmReview(entryId, dimension) {
      const me = get().me;
      if (!me) return;
      try {
        // It answers with the items still open on the entry.
        set({ myReviews: { entryId, items: await api().call('labels.confirm', { annotator: me, entryId, dimension }) } });
      } catch (e) {
        fail(e);
      }
    },

    async loadDiscussion(entryId) {
      try {
        const d = await api().call('adjudication.discussion', { ...lead(), entryId, hideNames: get().adjHideNames });
        if (get().adjSelectedId === entryId || get().adjEntry?.entry.id === entryId) set({ discussion: d });
      } catch (e) {
        fail(e);
      }
    },
    async setReason(dimension, reason) {
      const d = get().discussion;
      if (!d) return;
      try {
        const reasons = await api().call('adjudication.setReason', { ...lead(), entryId: d.entryId, dimension, reason });
        set({ discussion: { ...d, reasons } });
      } catch (e) {
        fail(e);
      }
    },
    async decideRevision(dimension, text) {
      const d = get().discussion;
      const me = get().me;
      if (!d || !me) return;
      try {
        const r = await api().call('adjudication.decideRevision', { ...lead(), entryId: d.entryId, dimension, text, decidedBy: me });
        set({ discussion: { ...d, revisions: d.revisions.map((x) => (x.dimension === dimension ? { ...r, proposals: x.proposals } : x)) } });
        get().notify(text === null ? 'The final rewrite was removed.' : 'The final rewrite is recorded.');
      } catch (e) {
        fail(e);
      }
    },
    async markGold() {
      const d = get().discussion;
      if (!d) return;
      try {
        const gold = await api().call('gold.set', { ...lead(), entryId: d.entryId, fromFinal: true });
        set({ discussion: { ...d, gold } });
        get().notify(`${d.entryId} is a gold entry: its final values are its known answers.`);
      } catch (e) {
        fail(e);
      }
    },
    async markGoldFromMine(entryId) {
      const me = get().me;
      if (!me) return;
      try {
        const gold = await api().call('gold.set', { ...lead(), entryId, fromLabelsOf: me });
        get().notify(`${entryId} is a gold entry: ${gold.length} known answer${gold.length === 1 ? '' : 's'} from your labels.`);
      } catch (e) {
        fail(e);
      }
    },
    async addLeadComment(text) {
      const d = get().discussion;
      const me = get().me;
      if (!d || !me || !text.trim()) return;
      try {
        await api().call('comments.add', { annotator: me, entryId: d.entryId, text });
        await get().loadDiscussion(d.entryId);
      } catch (e) {
        fail(e);
      }
    },
  };
};
