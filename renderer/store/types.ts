import type { StateCreator } from 'zustand';
import type { SessionSlice } from './session-slice.ts';
import type { QueueSlice } from './queue-slice.ts';
import type { EntrySlice } from './entry-slice.ts';
import type { ImportSlice } from './import-slice.ts';
import type { UiSlice } from './ui-slice.ts';

export type AppState = SessionSlice & QueueSlice & EntrySlice & ImportSlice & UiSlice;
export type Slice<T> = StateCreator<AppState, [], [], T>;
