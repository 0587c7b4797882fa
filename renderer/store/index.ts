import { create } from 'zustand';
import { createActivitySlice } from './activity-slice.ts';
import { createAdjudicationSlice } from './adjudication-slice.ts';
import { createAgreementSlice } from './agreement-slice.ts';
import { createEntrySlice } from './entry-slice.ts';
import { createExportSlice } from './export-slice.ts';
import { createImportSlice } from './import-slice.ts';
import { createQueueSlice } from './queue-slice.ts';
import { createSessionSlice } from './session-slice.ts';
import { createStudySlice } from './study-slice.ts';
import { createTeamSlice } from './team-slice.ts';
import type { AppState } from './types.ts';
import { createUiSlice } from './ui-slice.ts';

/** The one store of the renderer, built from slices; components read it through selectors. */
export const useApp = create<AppState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createQueueSlice(...a),
  ...createEntrySlice(...a),
  ...createImportSlice(...a),
  ...createUiSlice(...a),
  ...createAdjudicationSlice(...a),
  ...createExportSlice(...a),
  ...createAgreementSlice(...a),
  ...createTeamSlice(...a),
  ...createActivitySlice(...a),
  ...createStudySlice(...a),
}));

export type { AppState };
