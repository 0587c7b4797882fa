/**
 * How the labelling workspace is laid out: the widths of the queue and the label panel, the code
 * panes' shares and which of them are folded away, the test log's height. Each person keeps their
 * own, in this browser (localStorage): a researcher reads the prompt once, folds it, and wants the
 * code wide from then on.
 */

/**
 * A code pane's key in the layout: its field's name in camelCase (`ground_truth` -> `groundTruth`),
 * so the Deep-Bench panes keep the keys layouts were stored under before entries had other shapes.
 */
export type CodePaneId = string;
/** Deep-Bench's panes, the layout's defaults. */
export const CODE_PANES: readonly CodePaneId[] = ['prompt', 'groundTruth', 'output'];

/** The layout key of the pane that shows `field`. */
export function paneKey(field: string): CodePaneId {
  return field.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** How many other panes' sizes a layout keeps (a codebook shows a handful; a broken store could hold any number). */
const MAX_KEPT_PANES = 32;

export interface PaneLayout {
  queueWidth: number;
  queueCollapsed: boolean;
  panelWidth: number;
  /** Relative widths of the open code panes (any positive numbers; only their ratio counts). */
  paneWeights: Record<CodePaneId, number>;
  collapsed: Record<CodePaneId, boolean>;
  /** The test log's share of the centre column's height. */
  logShare: number;
  logCollapsed: boolean;
  /** Long log lines wrap (true) or scroll sideways (false). */
  logWrap: boolean;
}

export const LIMITS = {
  queue: { min: 200, max: 480 },
  panel: { min: 280, max: 560 },
  /** No open code pane gets narrower than this, in px. */
  pane: { min: 140 },
  log: { min: 0.12, max: 0.75 },
} as const;

export const DEFAULT_LAYOUT: PaneLayout = {
  queueWidth: 256,
  queueCollapsed: false,
  panelWidth: 320,
  paneWeights: { prompt: 0.7, groundTruth: 1, output: 1 },
  collapsed: { prompt: false, groundTruth: false, output: false },
  logShare: 0.34,
  logCollapsed: false,
  logWrap: true,
};

export const clamp = (x: number, min: number, max: number) => Math.min(max, Math.max(min, x));

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const bool = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback);
const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * A layout from whatever was stored: missing or broken fields take their default, numbers are
 * brought within their limits, and at least one code pane stays open.
 */
export function normalizeLayout(raw: unknown): PaneLayout {
  const r = rec(raw);
  const weights = rec(r.paneWeights);
  const folded = rec(r.collapsed);
  const layout: PaneLayout = {
    queueWidth: clamp(num(r.queueWidth, DEFAULT_LAYOUT.queueWidth), LIMITS.queue.min, LIMITS.queue.max),
    queueCollapsed: bool(r.queueCollapsed, DEFAULT_LAYOUT.queueCollapsed),
    panelWidth: clamp(num(r.panelWidth, DEFAULT_LAYOUT.panelWidth), LIMITS.panel.min, LIMITS.panel.max),
    paneWeights: { ...DEFAULT_LAYOUT.paneWeights },
    collapsed: { ...DEFAULT_LAYOUT.collapsed },
    logShare: clamp(num(r.logShare, DEFAULT_LAYOUT.logShare), LIMITS.log.min, LIMITS.log.max),
    logCollapsed: bool(r.logCollapsed, DEFAULT_LAYOUT.logCollapsed),
    logWrap: bool(r.logWrap, DEFAULT_LAYOUT.logWrap),
  };
  for (const id of CODE_PANES) {
    const w = num(weights[id], DEFAULT_LAYOUT.paneWeights[id]);
    layout.paneWeights[id] = w > 0 ? w : DEFAULT_LAYOUT.paneWeights[id];
    layout.collapsed[id] = bool(folded[id], false);
  }
  // Panes of other codebooks' fields: kept when they are well-formed, the rest take their default.
  const others = [...new Set([...Object.keys(weights), ...Object.keys(folded)])].filter((id) => !CODE_PANES.includes(id) && /^[a-z][A-Za-z0-9]{0,63}$/.test(id));
  for (const id of others.slice(0, MAX_KEPT_PANES)) {
    const w = num(weights[id], 1);
    layout.paneWeights[id] = w > 0 ? w : 1;
    layout.collapsed[id] = bool(folded[id], false);
  }
  if (CODE_PANES.every((id) => layout.collapsed[id])) layout.collapsed.groundTruth = layout.collapsed.output = false;
  return layout;
}

/** A pane's share of its row (a pane no layout has seen yet takes 1). */
export const weightOf = (layout: PaneLayout, id: CodePaneId) => layout.paneWeights[id] ?? 1;

/** Folds or unfolds a code pane of a row (`row`: the row's panes); the last open one cannot be folded (the row would be empty). */
export function toggleCodePane(layout: PaneLayout, id: CodePaneId, row: readonly CodePaneId[] = CODE_PANES): PaneLayout {
  const collapsed = { ...layout.collapsed, [id]: !layout.collapsed[id] };
  if (row.every((p) => collapsed[p])) return layout;
  return { ...layout, collapsed };
}

/** The panes of a row that show, folded ones apart; a row whose panes are all folded (a layout kept from another codebook) shows them all. */
export function openPanes(layout: PaneLayout, row: readonly CodePaneId[]): CodePaneId[] {
  const open = row.filter((id) => !layout.collapsed[id]);
  return open.length ? open : [...row];
}

/**
 * Moves the border between two open panes by `delta` px, from their widths when the drag began:
 * the pair keeps its total width, neither gets narrower than the minimum, and the weights become
 * the new widths (the panes' flex-grow), so every other pane keeps its place.
 */
export function resizePanes(layout: PaneLayout, left: CodePaneId, right: CodePaneId, start: { left: number; right: number }, delta: number): PaneLayout {
  const total = start.left + start.right;
  const l = clamp(start.left + delta, Math.min(LIMITS.pane.min, total / 2), Math.max(total - LIMITS.pane.min, total / 2));
  const scale = (weightOf(layout, left) + weightOf(layout, right)) / total;
  return { ...layout, paneWeights: { ...layout.paneWeights, [left]: l * scale, [right]: (total - l) * scale } };
}

const storageKey = (person: string | null) => `concord.layout:${person ?? ''}`;

/** The layout this person last left, or the default. */
export function loadLayout(person: string | null): PaneLayout {
  try {
    const text = localStorage.getItem(storageKey(person));
    return normalizeLayout(text ? JSON.parse(text) : null);
  } catch {
    // Unreadable or unavailable storage: start from the default.
    return normalizeLayout(null);
  }
}

export function saveLayout(person: string | null, layout: PaneLayout): void {
  try {
    localStorage.setItem(storageKey(person), JSON.stringify(layout));
  } catch {
    // Storage can be unavailable (file:// in some setups); the layout then lasts this session.
  }
}
