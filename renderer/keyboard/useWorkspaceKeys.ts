import { useEffect, useMemo } from 'react';
import { findDimension } from '../../shared/codebook/values.ts';
import { useApp } from '../store/index.ts';
import { buildHotkeys, NAVIGATION_KEYS } from './hotkeys.ts';

/** Typing in our own fields must not trigger hotkeys; Monaco's hidden textarea (read-only) may. */
function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('.monaco-editor')) return false;
  // A focused pane border takes the arrow keys to move itself.
  if (target.getAttribute('role') === 'separator') return true;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * The labelling keyboard: codebook hotkeys, j/k and arrows to move, Ctrl+Enter to submit and
 * move on, Ctrl+Z to undo the last label change, Alt+D for the diff. Listens in the capture
 * phase so a focused (read-only) Monaco editor does not swallow the keys.
 */
export function useWorkspaceKeys(enabled: boolean): void {
  const codebook = useApp((s) => s.codebook);
  const keys = useMemo(() => (codebook ? buildHotkeys(codebook) : new Map()), [codebook]);

  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const s = useApp.getState();
      if (s.importOpen || !s.me || e.isComposing) return;
      const inMonaco = e.target instanceof HTMLElement && !!e.target.closest('.monaco-editor');
      const mod = e.ctrlKey || e.metaKey;
      const handled = () => {
        e.preventDefault();
        e.stopPropagation();
      };

      if (mod && e.key === 'Enter') {
        handled();
        // Leave a text field first so its pending save lands before the submit.
        if (document.activeElement instanceof HTMLElement && isTypingTarget(document.activeElement)) document.activeElement.blur();
        void s.submit();
        return;
      }
      if (isTypingTarget(e.target)) return;
      if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'z') {
        handled();
        void s.undo();
        return;
      }
      if (e.altKey && !mod && e.code === 'KeyD') {
        handled();
        s.toggleDiff();
        return;
      }
      if (mod || e.altKey) return;
      if (s.bugPickerFor) return;

      if ((NAVIGATION_KEYS.next as readonly string[]).includes(e.key) && !(inMonaco && e.key.startsWith('Arrow'))) {
        handled();
        void s.move(1);
        return;
      }
      if ((NAVIGATION_KEYS.previous as readonly string[]).includes(e.key) && !(inMonaco && e.key.startsWith('Arrow'))) {
        handled();
        void s.move(-1);
        return;
      }
      if (e.key === 'Escape') {
        s.focusDimension(null);
        return;
      }

      const action = e.key.length === 1 ? keys.get(e.key.toLowerCase()) : undefined;
      if (!action || !s.current || !s.codebook) return;
      handled();
      if (action.kind === 'value') {
        s.focusDimension(action.dimension);
        void s.toggleLabel(action.dimension, action.valueId);
        return;
      }
      const dim = findDimension(s.codebook, action.dimension);
      if (!dim) return;
      if (dim.kind === 'tree') s.openPicker(dim.id);
      else if (dim.kind === 'text') document.querySelector<HTMLTextAreaElement>(`textarea[data-dimension="${dim.id}"]`)?.focus();
      else s.focusDimension(dim.id);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [enabled, keys]);
}
