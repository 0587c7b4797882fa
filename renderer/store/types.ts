import type { StateCreator } from 'zustand';
import type { SessionSlice } from './session-slice.ts';
import type { QueueSlice } from './queue-slice.ts';
import type { EntrySlice } from './entry-slice.ts';
import type { ImportSlice } from './import-slice.ts';
import type { UiSlice } from './ui-slice.ts';
import type { AdjudicationSlice } from './adjudication-slice.ts';
import type { ExportSlice } from './export-slice.ts';
import type { AgreementSlice } from './agreement-slice.ts';
import type { TeamSlice } from './team-slice.ts';

export type AppState = SessionSlice & QueueSlice & EntrySlice & ImportSlice & UiSlice & AdjudicationSlice & ExportSlice & AgreementSlice & TeamSlice & import('./activity-slice.ts').ActivitySlice & import('./study-slice.ts').StudySlice;
export type Slice<T> = StateCreator<AppState, [], [], T>;
