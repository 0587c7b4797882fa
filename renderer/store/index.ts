import { create } from 'zustand';
import { createEntrySlice } from './entry-slice.ts';
import { createImportSlice } from './import-slice.ts';
import { createQueueSlice } from './queue-slice.ts';
import { createSessionSlice } from './session-slice.ts';
import type { AppState } from './types.ts';
import { createUiSlice } from './ui-slice.ts';

/** The one store of the renderer, built from slices; components read it through selectors. */
export const useApp = create<AppState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createQueueSlice(...a),
  ...createEntrySlice(...a),
  ...createImportSlice(...a),
  ...createUiSlice(...a),
}));

export type { AppState };
