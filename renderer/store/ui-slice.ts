import type { Slice } from './types.ts';

export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

export interface UiSlice {
  diffMode: boolean;
  bugPickerFor: string | null;
  importOpen: boolean;
  /** The dimension a hotkey last pointed at, so the panel can scroll it into view. */
  focusedDimension: string | null;
  notice: Notice | null;
  toggleDiff(): void;
  openPicker(dimension: string): void;
  closePicker(): void;
  setImportOpen(open: boolean): void;
  focusDimension(dimension: string | null): void;
  notify(text: string, tone?: Notice['tone']): void;
  dismissNotice(): void;
}

let noticeSeq = 0;

export const createUiSlice: Slice<UiSlice> = (set) => ({
  diffMode: false,
  bugPickerFor: null,
  importOpen: false,
  focusedDimension: null,
  notice: null,
  toggleDiff: () => set((s) => ({ diffMode: !s.diffMode })),
  openPicker: (dimension) => set({ bugPickerFor: dimension, focusedDimension: dimension }),
  closePicker: () => set({ bugPickerFor: null }),
  setImportOpen: (open) => set({ importOpen: open }),
  focusDimension: (dimension) => set({ focusedDimension: dimension }),
  notify: (text, tone = 'info') => set({ notice: { id: ++noticeSeq, text, tone } }),
  dismissNotice: () => set({ notice: null }),
});
