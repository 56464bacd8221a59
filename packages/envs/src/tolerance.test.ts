import { describe, expect, it } from 'vitest';
import { tolerance } from './tolerance.js';

describe('tolerance', () => {
  it('is 1 inside the bounds and a hard 0 outside without margin', () => {
    expect(tolerance(0.5, { bounds: [0, 1] })).toBe(1);
    expect(tolerance(1, { bounds: [0, 1] })).toBe(1);
    expect(tolerance(1.01, { bounds: [0, 1] })).toBe(0);
    expect(tolerance(0)).toBe(1);
    expect(tolerance(1e-9)).toBe(0);
  });

  it('equals value_at_margin (0.1 default) one margin away for every sigmoid that allows it', () => {
    for (const s of [
      'gaussian',
      'hyperbolic',
      'long_tail',
      'reciprocal',
      'tanh_squared',
      'cosine',
      'linear',
      'quadratic',
    ] as const) {
      expect(tolerance(3, { bounds: [0, 1], margin: 2, sigmoid: s })).toBeCloseTo(0.1, 12);
      expect(tolerance(-2, { bounds: [0, 1], margin: 2, sigmoid: s })).toBeCloseTo(0.1, 12);
    }
  });

  it('matches hand-computed values away from the margin', () => {
    // gaussian at half a margin: 0.1^(0.25)
    expect(tolerance(0.5, { margin: 1 })).toBeCloseTo(0.1 ** 0.25, 12);
    // long_tail at two margins: 1 / (4 * (1/0.1 - 1) + 1) = 1/37
    expect(tolerance(2, { margin: 1, sigmoid: 'long_tail' })).toBeCloseTo(1 / 37, 12);
    // reciprocal at three margins: 1 / (3 * 9 + 1)
    expect(tolerance(3, { margin: 1, sigmoid: 'reciprocal' })).toBeCloseTo(1 / 28, 12);
    // hyperbolic at two margins: 1 / cosh(2 acosh(10))
    expect(tolerance(2, { margin: 1, sigmoid: 'hyperbolic' })).toBeCloseTo(
      1 / Math.cosh(2 * Math.acosh(10)),
      12,
    );
    // value_at_margin 0: linear 1 - d, quadratic 1 - d^2, cosine (1 + cos(pi d)) / 2
    expect(tolerance(0.5, { margin: 1, sigmoid: 'linear', valueAtMargin: 0 })).toBeCloseTo(0.5, 12);
    expect(tolerance(0.5, { margin: 1, sigmoid: 'quadratic', valueAtMargin: 0 })).toBeCloseTo(
      0.75,
      12,
    );
    expect(tolerance(0.5, { margin: 1, sigmoid: 'cosine', valueAtMargin: 0 })).toBeCloseTo(0.5, 12);
    expect(tolerance(1, { margin: 1, sigmoid: 'quadratic', valueAtMargin: 0 })).toBe(0);
    // cheetah-style: linear ramp to 10 m/s
    const run = (v: number) =>
      tolerance(v, {
        bounds: [10, Number.POSITIVE_INFINITY],
        margin: 10,
        valueAtMargin: 0,
        sigmoid: 'linear',
      });
    expect(run(5)).toBeCloseTo(0.5, 12);
    expect(run(12)).toBe(1);
    expect(run(-1)).toBe(0);
    // walker-style move term: linear, value 0.5 at half a m/s below 1 m/s
    const move = (v: number) =>
      tolerance(v, {
        bounds: [1, Number.POSITIVE_INFINITY],
        margin: 0.5,
        valueAtMargin: 0.5,
        sigmoid: 'linear',
      });
    expect(move(0.75)).toBeCloseTo(0.75, 12);
    expect(move(0)).toBe(0);
  });

  it('rejects bad arguments with a message naming them', () => {
    expect(() => tolerance(0, { bounds: [1, 0] })).toThrow(/lower <= upper/);
    expect(() => tolerance(0, { margin: -1 })).toThrow(/margin/);
    expect(() => tolerance(2, { margin: 1, sigmoid: 'bogus' as never })).toThrow(
      /allowed: gaussian/,
    );
    expect(() => tolerance(2, { margin: 1, valueAtMargin: 0 })).toThrow(/\(0, 1\)/);
  });
});
