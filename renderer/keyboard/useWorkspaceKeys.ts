import { useEffect, useMemo } from 'react';
import { appliesIfNote, dimensionApplies, findDimension } from '../../shared/codebook/values.ts';
import { pinSelection, unpinSelection } from '../lib/label-edit.ts';
import { useApp } from '../store/index.ts';
import { buildHotkeys, NAVIGATION_KEYS } from './hotkeys.ts';
import { isTypingTarget, listenToKeys, readKeyPress } from './key-press.ts';

/**
 * The labelling keyboard: codebook hotkeys, j/k and arrows to move, Ctrl+Enter to submit and
 * move on, Ctrl+Z to undo the last label change, Alt+D for the diff.
 */
export function useWorkspaceKeys(enabled: boolean): void {
  const codebook = useApp((s) => s.codebook);
  const keys = useMemo(() => (codebook ? buildHotkeys(codebook) : new Map()), [codebook]);

  useEffect(() => {
    if (!enabled) return;
    return listenToKeys((e) => {
      const k = readKeyPress(e);
      if (!k) return;
      const s = useApp.getState();
      const { handled, inMonaco } = k;

      if (k.mod && e.key === 'Enter') {
        handled();
        // Leave a text field first so its pending save lands before the submit.
        if (document.activeElement instanceof HTMLElement && isTypingTarget(document.activeElement)) document.activeElement.blur();
        void s.submit();
        return;
      }
      if (k.typing) return;
      if (k.undo) {
        handled();
        void s.undo();
        return;
      }
      if (k.diff) {
        handled();
        s.toggleDiff();
        return;
      }
      if (!k.plain || s.bugPickerFor) return;

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
      // Delete (or Backspace) takes every pin off the selected lines.
      if ((e.key === 'Delete' || e.key === 'Backspace') && s.lineSelection && s.current && s.codebook) {
        const { current, codebook, lineSelection } = s;
        for (const dim of codebook.dimensions) {
          if (dim.kind !== 'lines' || !dimensionApplies(dim, current.entry, current.labels)) continue;
          const next = unpinSelection(dim, current.labels[dim.id], lineSelection);
          if (next === undefined) continue;
          handled();
          void s.setLabel(dim.id, next);
        }
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
      else if (dim.kind === 'lines') {
        const why = pinSelection(dim, s.current.labels[dim.id], s.lineSelection, '');
        if (typeof why === 'string') s.notify(why);
        else if (!dimensionApplies(dim, s.current.entry, s.current.labels)) s.notify(`${dim.label} ${appliesIfNote(s.codebook, dim) ?? 'does not apply to this entry'}.`);
        else s.openPicker(dim.id);
      }
      else if (dim.kind === 'text') document.querySelector<HTMLTextAreaElement>(`textarea[data-dimension="${dim.id}"]`)?.focus();
      else s.focusDimension(dim.id);
    });
  }, [enabled, keys]);
}
