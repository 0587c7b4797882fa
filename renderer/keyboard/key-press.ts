import { useApp } from '../store/index.ts';

/** Inside a Monaco editor (read-only here: its hidden textarea may pass hotkeys on). */
function inMonaco(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && !!target.closest('.monaco-editor');
}

/**
 * Whether a key goes to the focused element rather than to hotkeys: our text fields keep their
 * keys, and so does a focused pane border (its arrow keys move it). Checkboxes and buttons do
 * not (a clicked toggle must not trap the keyboard), nor does Monaco's read-only textarea.
 */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement) || inMonaco(target)) return false;
  if (target.getAttribute('role') === 'separator') return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
}

/** A key press as every view's keyboard reads it. */
export interface KeyPress {
  /** Ctrl, or Cmd on a Mac. */
  mod: boolean;
  /** The key belongs to the focused field or pane border (see isTypingTarget). */
  typing: boolean;
  /** The focus is in a code pane, whose arrow keys scroll it. */
  inMonaco: boolean;
  /** Ctrl+Z (Cmd+Z), without Shift or Alt. */
  undo: boolean;
  /** Alt+D, by the key's place (Option+D types a character on a Mac): the diff. */
  diff: boolean;
  /** Neither Ctrl, Cmd nor Alt: a hotkey or a navigation key. */
  plain: boolean;
  /** The view acted on the key: the browser, Monaco and the page see nothing more of it. */
  handled(): void;
}

/**
 * The checks every view's keyboard makes first. Null when no key is for hotkeys: the import
 * dialog is open, no one has said who they are, or an input method is composing a character.
 */
export function readKeyPress(e: KeyboardEvent): KeyPress | null {
  const s = useApp.getState();
  if (s.importOpen || !s.me || e.isComposing) return null;
  const mod = e.ctrlKey || e.metaKey;
  return {
    mod,
    typing: isTypingTarget(e.target),
    inMonaco: inMonaco(e.target),
    undo: mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'z',
    diff: e.altKey && !mod && e.code === 'KeyD',
    plain: !mod && !e.altKey,
    handled: () => {
      e.preventDefault();
      e.stopPropagation();
    },
  };
}

/**
 * Listens to every key press on the page before any element does (the capture phase, so a
 * focused read-only Monaco editor does not swallow the keys); returns the clean-up for useEffect.
 */
export function listenToKeys(onKey: (e: KeyboardEvent) => void): () => void {
  window.addEventListener('keydown', onKey, true);
  return () => window.removeEventListener('keydown', onKey, true);
}
