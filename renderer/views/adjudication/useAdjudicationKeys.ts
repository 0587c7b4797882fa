import { useEffect, useMemo } from 'react';
import type { Codebook } from '../../../shared/codebook/schema.ts';
import { buildHotkeys } from '../../keyboard/hotkeys.ts';
import { listenToKeys, readKeyPress } from '../../keyboard/key-press.ts';
import { useApp } from '../../store/index.ts';

/** Keys of this view that a codebook may also claim; the codebook wins, as in the label panel. */
const OWN_KEYS = { undo: 'u', next: 'n', previous: 'p' } as const;

/** Whether a plain letter key is ours here, or a codebook hotkey (so annotators' habits hold). */
export function freeKeys(codebook: Codebook | null): { undo: boolean; next: boolean; previous: boolean } {
  const taken = codebook ? buildHotkeys(codebook) : new Map();
  return { undo: !taken.has(OWN_KEYS.undo), next: !taken.has(OWN_KEYS.next), previous: !taken.has(OWN_KEYS.previous) };
}

/**
 * The adjudication keyboard: ↑/↓ or Tab between dimensions, ←/→ among the candidate values,
 * codebook hotkeys for any value, Enter to decide, u or Ctrl+Z to undo, n/p or j/k between
 * entries, Esc to leave the meeting layout.
 */
export function useAdjudicationKeys(): void {
  const codebook = useApp((s) => s.codebook);
  const keys = useMemo(() => (codebook ? buildHotkeys(codebook) : new Map()), [codebook]);
  const free = useMemo(() => freeKeys(codebook), [codebook]);

  useEffect(() => {
    return listenToKeys((e) => {
      const k = readKeyPress(e);
      const s = useApp.getState();
      if (!k || k.typing || s.adjConfirmAccept) return;
      const { handled, inMonaco } = k;
      if (k.undo) {
        handled();
        void s.undoAdj();
        return;
      }
      if (k.diff) {
        handled();
        s.toggleDiff();
        return;
      }
      if (!k.plain) return;

      switch (e.key) {
        case 'ArrowDown':
        case 'ArrowUp':
          if (inMonaco) return;
          handled();
          s.stepAdjFocus(e.key === 'ArrowDown' ? 1 : -1);
          return;
        case 'Tab':
          handled();
          s.stepAdjFocus(e.shiftKey ? -1 : 1);
          return;
        case 'ArrowRight':
        case 'ArrowLeft':
          if (inMonaco) return;
          handled();
          s.cycleAdjChoice(e.key === 'ArrowRight' ? 1 : -1);
          return;
        case 'Enter':
          handled();
          void s.decideAdj();
          return;
        case 'Escape':
          if (s.adjMeeting) {
            handled();
            s.setMeeting(false);
          }
          return;
      }
      if (e.key.length !== 1) return;
      const key = e.key.toLowerCase();
      const action = keys.get(key);
      if (action) {
        handled();
        if (action.kind === 'value') s.hotkeyAdj(action.dimension, action.valueId);
        else s.focusAdj(action.dimension);
        return;
      }
      if (key === 'j' || (free.next && key === OWN_KEYS.next)) {
        handled();
        void s.moveAdj(1);
      } else if (key === 'k' || (free.previous && key === OWN_KEYS.previous)) {
        handled();
        void s.moveAdj(-1);
      } else if (free.undo && key === OWN_KEYS.undo) {
        handled();
        void s.undoAdj();
      }
    });
  }, [keys, free]);
}
