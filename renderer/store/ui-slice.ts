import { loadLayout, saveLayout, type PaneLayout } from '../components/pane-layout.ts';
import type { LineSelection } from '../lib/label-edit.ts';
import type { Slice } from './types.ts';

export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

/** The screens of the app; `renderer/views/registry.ts` maps each to its component. */
export type ViewId = 'label' | 'agreement' | 'adjudicate' | 'export' | 'team' | 'activity' | 'codebook' | 'rounds';

export interface UiSlice {
  view: ViewId;
  setView(view: ViewId): void;
  diffMode: boolean;
  bugPickerFor: string | null;
  /** Lines selected in a code pane (or the cursor's line), which a lines dimension's values pin to; null until the user selects. */
  lineSelection: LineSelection | null;
  setLineSelection(selection: LineSelection | null): void;
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
  /** The workspace layout of `layoutOwner` (the person it was loaded for). */
  layout: PaneLayout;
  layoutOwner: string | null;
  /** Loads this person's layout (from this browser), unless it is the one shown. */
  loadLayoutOf(person: string | null): void;
  /** Changes the layout and remembers it for its owner. */
  setLayout(next: PaneLayout | ((current: PaneLayout) => PaneLayout)): void;
}

let noticeSeq = 0;

export const createUiSlice: Slice<UiSlice> = (set, get) => ({
  view: 'label',
  setView: (view) => set({ view }),
  diffMode: false,
  bugPickerFor: null,
  lineSelection: null,
  setLineSelection: (lineSelection) => set({ lineSelection }),
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
  layout: loadLayout(null),
  layoutOwner: null,
  loadLayoutOf: (person) => {
    if (get().layoutOwner !== person) set({ layout: loadLayout(person), layoutOwner: person });
  },
  setLayout: (next) => {
    const layout = typeof next === 'function' ? next(get().layout) : next;
    set({ layout });
    saveLayout(get().layoutOwner, layout);
  },
});
