import { describe, expect, it } from 'vitest';
import { formatTime } from './format-time.ts';

describe('formatTime', () => {
  it('shows an ISO time as the local date and time, to the second, zero-padded', () => {
    const d = new Date(2026, 2, 4, 7, 5, 9);
    expect(formatTime(d.toISOString())).toBe('2026-03-04 07:05:09');
  });

  it('leaves a time it cannot read as it is', () => {
    expect(formatTime('last tuesday')).toBe('last tuesday');
  });
});
