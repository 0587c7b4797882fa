import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, LIMITS, normalizeLayout, openPanes, paneKey, resizePanes, toggleCodePane, weightOf } from './pane-layout.ts';

describe('the workspace layout', () => {
  it('reads back what was stored, and the default for anything missing, broken or out of bounds', () => {
    expect(normalizeLayout(null)).toEqual(DEFAULT_LAYOUT);
    expect(normalizeLayout('not an object')).toEqual(DEFAULT_LAYOUT);
    const stored = normalizeLayout({ queueWidth: 5000, panelWidth: 'wide', logShare: 0.5, paneWeights: { prompt: -1, output: 3 }, collapsed: { prompt: true }, logWrap: false });
    expect(stored).toMatchObject({ queueWidth: LIMITS.queue.max, panelWidth: DEFAULT_LAYOUT.panelWidth, logShare: 0.5, logWrap: false });
    expect(stored.paneWeights).toEqual({ prompt: DEFAULT_LAYOUT.paneWeights.prompt, groundTruth: 1, output: 3 });
    expect(stored.collapsed).toEqual({ prompt: true, groundTruth: false, output: false });
    // All three folded (an edited store) opens the code again.
    expect(normalizeLayout({ collapsed: { prompt: true, groundTruth: true, output: true } }).collapsed).toEqual({ prompt: true, groundTruth: false, output: false });
  });

  it('folds any pane but the last open one', () => {
    const a = toggleCodePane(DEFAULT_LAYOUT, 'prompt');
    const b = toggleCodePane(a, 'output');
    expect(b.collapsed).toEqual({ prompt: true, groundTruth: false, output: true });
    expect(toggleCodePane(b, 'groundTruth')).toBe(b);
    expect(toggleCodePane(b, 'prompt').collapsed.prompt).toBe(false);
  });

  it('moves the border between two panes, keeping their total and a minimum width each', () => {
    const start = { left: 400, right: 400 };
    const moved = resizePanes(DEFAULT_LAYOUT, 'groundTruth', 'output', start, 250);
    const { groundTruth, output, prompt } = moved.paneWeights;
    // Widths follow the weights: 650 and 150 of the pair's 800 px; the prompt keeps its share.
    expect(groundTruth / (groundTruth + output)).toBeCloseTo(650 / 800, 12);
    expect(groundTruth + output).toBeCloseTo(DEFAULT_LAYOUT.paneWeights.groundTruth + DEFAULT_LAYOUT.paneWeights.output, 12);
    expect(prompt).toBe(DEFAULT_LAYOUT.paneWeights.prompt);
    const far = resizePanes(DEFAULT_LAYOUT, 'groundTruth', 'output', start, 5000).paneWeights;
    expect(far.output / (far.groundTruth + far.output)).toBeCloseTo(LIMITS.pane.min / 800, 12);
    const back = resizePanes(DEFAULT_LAYOUT, 'groundTruth', 'output', start, -5000).paneWeights;
    expect(back.groundTruth / (back.groundTruth + back.output)).toBeCloseTo(LIMITS.pane.min / 800, 12);
  });
});

describe('the layout of any codebook\'s panes', () => {
  it('keys each pane by its field in camelCase, so Deep-Bench layouts stored before keep their keys', () => {
    expect(['prompt', 'ground_truth', 'output', 'expected_output', 'trace'].map(paneKey)).toEqual(['prompt', 'groundTruth', 'output', 'expectedOutput', 'trace']);
  });

  it('keeps the sizes and folds of other panes, and drops keys that are not a pane\'s', () => {
    const stored = normalizeLayout({ paneWeights: { trace: 2.5, code: -3, 'x y': 4 }, collapsed: { expectedOutput: true, __proto__x: true } });
    expect(stored.paneWeights).toMatchObject({ trace: 2.5, code: 1 });
    expect(stored.paneWeights).not.toHaveProperty('x y');
    expect(stored.collapsed).toMatchObject({ expectedOutput: true, trace: false });
    expect(Object.keys(stored.collapsed)).not.toContain('__proto__x');
  });

  it('folds any pane of a row but its last open one, and shows a row whose panes are all folded', () => {
    const row = ['code', 'trace'];
    const a = toggleCodePane(DEFAULT_LAYOUT, 'code', row);
    expect(openPanes(a, row)).toEqual(['trace']);
    expect(toggleCodePane(a, 'trace', row)).toBe(a);
    // Folded in another project's layout: a row never shows empty.
    expect(openPanes({ ...DEFAULT_LAYOUT, collapsed: { ...DEFAULT_LAYOUT.collapsed, code: true, trace: true } }, row)).toEqual(row);
    // A pane no layout has seen takes an equal share.
    expect(weightOf(DEFAULT_LAYOUT, 'trace')).toBe(1);
  });
});
