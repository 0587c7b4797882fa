import { describe, expect, it } from 'vitest';
import { logGamma, studentTCdf, studentTQuantile } from './t-quantile.ts';

/** The t density, written out. */
function density(t: number, df: number): number {
  return (Math.exp(logGamma((df + 1) / 2) - logGamma(df / 2)) / Math.sqrt(df * Math.PI)) * (1 + (t * t) / df) ** (-(df + 1) / 2);
}

/** P(0 < T < t) by composite Simpson's rule: an independent check of the CDF and its inverse. */
function simpson(t: number, df: number, steps = 20000): number {
  const h = t / steps;
  let s = density(0, df) + density(t, df);
  for (let i = 1; i < steps; i++) s += (i % 2 ? 4 : 2) * density(i * h, df);
  return (s * h) / 3;
}

describe('Student t quantile', () => {
  it('matches the closed forms for 1, 2 and 4 degrees of freedom', () => {
    for (const p of [0.6, 0.9, 0.975, 0.995, 0.9995]) {
      // df = 1 is the Cauchy distribution; df = 2 and df = 4 have closed forms too (see e.g.
      // the quantile function section of Wikipedia's "Student's t-distribution").
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 9);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 11);
      const a = 4 * p * (1 - p);
      const q = Math.cos(Math.acos(Math.sqrt(a)) / 3) / Math.sqrt(a);
      expect(studentTQuantile(p, 4)).toBeCloseTo(2 * Math.sqrt(q - 1), 11);
    }
  });

  it('inverts the CDF, and the CDF agrees with integrating the density', () => {
    for (const df of [1.5, 3, 7, 11, 30, 99, 500]) {
      const t = studentTQuantile(0.975, df);
      expect(studentTCdf(t, df)).toBeCloseTo(0.975, 13);
      expect(simpson(t, df)).toBeCloseTo(0.475, 12);
    }
  });

  it('gives the t values of the published tables', () => {
    // Printed t tables (two-sided 95%): 12.706, 4.303, 2.228, 2.042, 1.984; the normal 1.960 in the limit.
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.303, 3);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042, 3);
    expect(studentTQuantile(0.975, 100)).toBeCloseTo(1.984, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 3);
  });

  it('is symmetric and refuses what has no answer', () => {
    expect(studentTQuantile(0.025, 9)).toBe(-studentTQuantile(0.975, 9));
    expect(studentTQuantile(0.5, 9)).toBe(0);
    expect(() => studentTQuantile(1, 9)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
  });
});
