import type { Codebook } from '../../shared/codebook/schema.ts';
import { TREE_SEPARATOR } from '../../shared/codebook/values.ts';

/** What a codebook hotkey does: set/toggle a value, or open/focus a dimension. */
export type HotkeyAction = { kind: 'value'; dimension: string; valueId: string } | { kind: 'dimension'; dimension: string };

/** Keys the app keeps for itself whatever the codebook says. */
export const NAVIGATION_KEYS = { next: ['j', 'ArrowDown'], previous: ['k', 'ArrowUp'] } as const;

/** Every hotkey the codebook declares, lower-cased. The codebook schema already refuses duplicates. */
export function buildHotkeys(codebook: Codebook): Map<string, HotkeyAction> {
  const keys = new Map<string, HotkeyAction>();
  for (const dim of codebook.dimensions) {
    if (dim.hotkey) keys.set(dim.hotkey.toLowerCase(), { kind: 'dimension', dimension: dim.id });
    for (const v of dim.values) {
      if (v.hotkey) keys.set(v.hotkey.toLowerCase(), { kind: 'value', dimension: dim.id, valueId: v.id });
      for (const c of v.children ?? [])
        if (c.hotkey) keys.set(c.hotkey.toLowerCase(), { kind: 'value', dimension: dim.id, valueId: `${v.id}${TREE_SEPARATOR}${c.id}` });
    }
  }
  for (const k of ['j', 'k']) keys.delete(k);
  return keys;
}
