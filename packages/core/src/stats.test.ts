import { describe, expect, it } from 'vitest';
import { percentile, percentiles } from './stats.js';

// Reference values computed with numpy 2.4 (np.percentile, default 'linear') and written in by hand.
const values = [3.5, -1.0, 7.25, 2.0, 10.0, 0.5, 4.0];

describe('percentiles', () => {
  it('match numpy linear interpolation', () => {
    const qs = [0, 10, 25, 50, 75, 90, 100, 33.3];
    const expected = [-1.0, -0.09999999999999987, 1.25, 3.5, 5.625, 8.350000000000001, 10.0, 1.997];
    percentiles(values, qs).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([10, 0], 25)).toBe(2.5);
  });

  it('reject q outside [0, 100] and empty or non-finite values', () => {
    expect(() => percentile(values, 101)).toThrow(
      /percentile: q = 101 is invalid; allowed: a number in \[0, 100\]/,
    );
    expect(() => percentile([], 50)).toThrow(/values.length = 0 is invalid/);
    expect(() => percentile([1, Number.POSITIVE_INFINITY], 50)).toThrow(/values\[1\] = Infinity/);
  });
});
