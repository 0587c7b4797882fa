import type { Codebook } from '../../shared/codebook/schema.ts';
import { formatError } from '../../shared/errors.ts';
import type { Annotator, ProjectInfo } from '../../shared/types.ts';
import { DEFAULT_QUEUE_PAGE } from '../../shared/queue-page.ts';
import { api } from './client.ts';
import type { Slice } from './types.ts';

const ME_KEY = 'concord.annotator';

export interface SessionSlice {
  phase: 'loading' | 'ready' | 'failed';
  fatal: string | null;
  info: ProjectInfo | null;
  codebook: Codebook | null;
  annotators: Annotator[];
  /** Who is labelling ("who am I"); null until the user says. */
  me: string | null;
  boot(): Promise<void>;
  refreshProject(): Promise<void>;
  chooseAnnotator(name: string): Promise<void>;
  /** Adds someone to the project; an adjudicator leads the study and sees everyone's labels. */
  addAnnotator(name: string, role?: 'annotator' | 'adjudicator'): Promise<void>;
}

/** Turns any thrown error into the one line the UI shows. */
export function describeError(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) return formatError(e as { message: string });
  return String(e);
}

function rememberMe(name: string | null): void {
  try {
    if (name) localStorage.setItem(ME_KEY, name);
    else localStorage.removeItem(ME_KEY);
  } catch {
    // Storage can be unavailable (file:// in some setups); the user is simply asked again.
  }
}

function recallMe(): string | null {
  try {
    return localStorage.getItem(ME_KEY);
  } catch {
    return null;
  }
}

export const createSessionSlice: Slice<SessionSlice> = (set, get) => ({
  phase: 'loading',
  fatal: null,
  info: null,
  codebook: null,
  annotators: [],
  me: null,

  async boot() {
    set({ phase: 'loading', fatal: null });
    try {
      const saved = recallMe();
      // The person's first page of the queue, with its first entry, is asked for with the project,
      // not after it (unused if they are no longer on the team).
      const firstPage = saved ? api().call('entries.page', { annotator: saved, limit: DEFAULT_QUEUE_PAGE, withFirst: true }).catch(() => null) : null;
      const [info, codebook, annotators] = await Promise.all([
        api().call('project.info', {}),
        api().call('project.codebook', {}),
        api().call('project.annotators', {}),
      ]);
      const me = saved && annotators.some((a) => a.name === saved) ? saved : null;
      set({ info, codebook, annotators, me, phase: 'ready' });
      if (me) await get().loadQueue(firstPage ?? undefined);
    } catch (e) {
      set({ phase: 'failed', fatal: describeError(e) });
    }
  },

  async refreshProject() {
    const [info, annotators] = await Promise.all([api().call('project.info', {}), api().call('project.annotators', {})]);
    set({ info, annotators });
  },

  async chooseAnnotator(name) {
    if (get().me === name) return;
    rememberMe(name);
    // Everything on screen belonged to the previous annotator; drop it before loading.
    get().forgetEntries();
    set({ me: name, rows: [], queueSubmitted: 0, current: null, selectedId: null, selectedIndex: null });
    await get().loadQueue();
  },

  async addAnnotator(name, role) {
    try {
      const added = await api().call('project.addAnnotator', { name, role });
      await get().refreshProject();
      await get().chooseAnnotator(added.name);
    } catch (e) {
      get().notify(describeError(e), 'error');
    }
  },
});

/** Whether the chosen person leads the study: only an adjudicator sees the views that show everyone's labels. */
export function isLead(s: { me: string | null; annotators: Annotator[] }): boolean {
  return s.annotators.some((a) => a.name === s.me && a.role === 'adjudicator');
}
