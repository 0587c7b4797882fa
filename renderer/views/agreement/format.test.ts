import { describe, expect, it } from 'vitest';
import type { ValueFigure } from '../../../shared/agreement/report.ts';
import { formatAlpha, formatCount, toneOf } from './format.ts';
import { sortWorstFirst } from './PerValueAlphas.tsx';

const value = (label: string, alpha: number | null): { dimension: string; dimensionLabel: string; v: ValueFigure } => ({
  dimension: 'bug',
  dimensionLabel: 'Bug',
  v: {
    valueId: label,
    label,
    kind: 'type',
    coincidence: { values: [], counts: [] },
    figure: { alpha, level: 'nominal', units: 1, values: 2, raters: 2, observedDisagreement: null, expectedDisagreement: null, interval: null, ...(alpha === null ? { undefinedReason: 'nothing is pairable' } : {}) },
  },
});

describe('agreement figures as shown', () => {
  it('never prints an undefined alpha as a number', () => {
    expect(formatAlpha(null)).toBe('undefined');
    expect(formatAlpha(0)).toBe('0.000');
    expect(formatAlpha(-0.0421)).toBe('-0.042');
  });

  it('prints fractional coincidences without trailing zeros', () => {
    expect(formatCount(3)).toBe('3');
    expect(formatCount(1.5)).toBe('1.5');
    expect(formatCount(1 / 3)).toBe('0.33');
  });

  it('colours by the thresholds the report gives, and not at all without them', () => {
    expect(toneOf(0.81, [0.8, 0.667])).toBe('good');
    expect(toneOf(0.7, [0.8, 0.667])).toBe('fair');
    expect(toneOf(0.5, [0.8, 0.667])).toBe('poor');
    expect(toneOf(null, [0.8, 0.667])).toBe('none');
    expect(toneOf(0.9, [])).toBe('none');
  });

  it('sorts per-value alphas worst first, undefined ones last', () => {
    const sorted = sortWorstFirst([value('a', 0.5), value('u', null), value('b', -0.1), value('c', 1)]);
    expect(sorted.map((r) => r.v.label)).toEqual(['b', 'a', 'c', 'u']);
  });
});
