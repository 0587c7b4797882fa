import type { ImportFormat, ImportJob } from '../../shared/types.ts';
import type { FieldMapping } from '../../shared/field-mapping.ts';
import { api } from './client.ts';
import { describeError } from './session-slice.ts';
import type { Slice } from './types.ts';

export interface ImportSlice {
  importJob: ImportJob | null;
  importRunning: boolean;
  /** A refusal before a job started (bad path, unknown format). */
  importFailure: string | null;
  /** `mapping`: which columns of a JSONL or CSV file hold the entries' ids and named texts. */
  startImport(path: string, format: ImportFormat | 'auto', mapping?: FieldMapping): Promise<void>;
  resetImport(): void;
}

const POLL_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const createImportSlice: Slice<ImportSlice> = (set, get) => ({
  importJob: null,
  importRunning: false,
  importFailure: null,

  async startImport(path, format, mapping) {
    set({ importRunning: true, importJob: null, importFailure: null });
    try {
      let job = await api().call('imports.start', { path, ...(format === 'auto' ? {} : { format }), ...(mapping ? { mapping } : {}) });
      set({ importJob: job });
      while (!job.error && job.progress.phase !== 'done' && job.progress.phase !== 'failed') {
        await sleep(POLL_MS);
        job = await api().call('imports.status', { jobId: job.jobId });
        set({ importJob: job });
      }
      set({ importRunning: false });
      if (!job.error && job.progress.phase === 'done') {
        await get().refreshProject();
        await get().loadQueue();
      }
    } catch (e) {
      set({ importRunning: false, importFailure: describeError(e) });
    }
  },

  resetImport: () => set({ importJob: null, importFailure: null, importRunning: false }),
});
