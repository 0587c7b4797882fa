import { useEffect, useMemo } from 'react';
import type { Codebook } from '../../../shared/codebook/schema.ts';
import { buildHotkeys } from '../../keyboard/hotkeys.ts';
import { useApp } from '../../store/index.ts';

/** Keys of this view that a codebook may also claim; the codebook wins, as in the label panel. */
const OWN_KEYS = { undo: 'u', next: 'n', previous: 'p' } as const;

/** Whether a plain letter key is ours here, or a codebook hotkey (so annotators' habits hold). */
export function freeKeys(codebook: Codebook | null): { undo: boolean; next: boolean; previous: boolean } {
  const taken = codebook ? buildHotkeys(codebook) : new Map();
  return { undo: !taken.has(OWN_KEYS.undo), next: !taken.has(OWN_KEYS.next), previous: !taken.has(OWN_KEYS.previous) };
}

/** Text fields keep their keys; checkboxes and buttons do not (a clicked toggle must not trap the keyboard). */
function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('.monaco-editor')) return false;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit'].includes(target.type);
  return target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
}

/**
 * The adjudication keyboard: ↑/↓ or Tab between dimensions, ←/→ among the candidate values,
 * codebook hotkeys for any value, Enter to decide, u or Ctrl+Z to undo, n/p or j/k between
 * entries, Esc to leave the meeting layout. Capture phase, so a focused read-only Monaco editor
 * does not swallow the keys.
 */
export function useAdjudicationKeys(): void {
  const codebook = useApp((s) => s.codebook);
  const keys = useMemo(() => (codebook ? buildHotkeys(codebook) : new Map()), [codebook]);
  const free = useMemo(() => freeKeys(codebook), [codebook]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = useApp.getState();
      if (s.importOpen || s.adjConfirmAccept || !s.me || e.isComposing) return;
      const mod = e.ctrlKey || e.metaKey;
      const handled = () => {
        e.preventDefault();
        e.stopPropagation();
      };
      if (isTypingTarget(e.target)) return;
      if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'z') {
        handled();
        void s.undoAdj();
        return;
      }
      if (e.altKey && !mod && e.code === 'KeyD') {
        handled();
        s.toggleDiff();
        return;
      }
      if (mod || e.altKey) return;
      const inMonaco = e.target instanceof HTMLElement && !!e.target.closest('.monaco-editor');

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
      const k = e.key.toLowerCase();
      const action = keys.get(k);
      if (action) {
        handled();
        if (action.kind === 'value') s.hotkeyAdj(action.dimension, action.valueId);
        else s.focusAdj(action.dimension);
        return;
      }
      if (k === 'j' || (free.next && k === OWN_KEYS.next)) {
        handled();
        void s.moveAdj(1);
      } else if (k === 'k' || (free.previous && k === OWN_KEYS.previous)) {
        handled();
        void s.moveAdj(-1);
      } else if (free.undo && k === OWN_KEYS.undo) {
        handled();
        void s.undoAdj();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [keys, free]);
}
