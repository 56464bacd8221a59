import { describe, expect, it } from 'vitest';
import {
  aggregateCurves,
  bootstrapCi,
  exponentialMovingAverage,
  interpolate,
  iqm,
  mean,
  meanStd,
  meanStdAcross,
  median,
  movingAverage,
  pearson,
  smooth,
  std,
} from './stats.js';

// Reference values below were computed with numpy 2.4 (np.mean, np.std, np.percentile,
// np.corrcoef, np.interp) and written in by hand.
const values = [3.5, -1.0, 7.25, 2.0, 10.0, 0.5, 4.0];

describe('mean and std', () => {
  it('match numpy (sample std uses n - 1)', () => {
    expect(mean(values)).toBeCloseTo(3.75, 12);
    expect(std(values)).toBeCloseTo(3.8215398292660336, 12); // np.std(x, ddof=1)
    expect(std(values, 0)).toBeCloseTo(3.5380583860158588, 12); // np.std(x)
    expect(meanStd([1, 3])).toEqual({ mean: 2, std: Math.SQRT2, n: 2 });
  });

  it('a single seed has std 0', () => {
    expect(std([5])).toBe(0);
  });

  it('element-wise across seeds', () => {
    const { mean: m, std: s } = meanStdAcross([
      [1, 10],
      [3, 20],
      [5, 60],
    ]);
    expect(m).toEqual([3, 30]);
    expect(s[0]).toBeCloseTo(2, 12);
    // (10-30)^2 + (20-30)^2 + (60-30)^2 = 1400; 1400 / 2 = 700
    expect(s[1]).toBeCloseTo(Math.sqrt(700), 12);
  });

  it('reject bad input naming it', () => {
    expect(() => mean([])).toThrow(/values.length = 0 is invalid; allowed: an integer >= 1/);
    expect(() => mean([1, Number.NaN])).toThrow(
      /values\[1\] = NaN is invalid; allowed: a finite number/,
    );
    expect(() => meanStdAcross([[1, 2], [3]])).toThrow(
      /runs\[1\] has 1 values but runs\[0\] has 2/,
    );
    expect(() => meanStdAcross([])).toThrow(/runs is empty/);
  });
});

describe('median', () => {
  it('is the 50th percentile (numpy linear interpolation)', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median(values)).toBe(3.5);
  });
});

describe('pearson', () => {
  it('matches numpy corrcoef', () => {
    const a = [1.0, 2.0, 3.5, 4.0, 6.0, 7.5];
    const b = [2.1, 3.9, 7.0, 8.2, 11.5, 15.0];
    expect(pearson(a, b)).toBeCloseTo(0.9988843899954619, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('rejects mismatched lengths and constant inputs', () => {
    expect(() => pearson([1, 2, 3], [1, 2])).toThrow(/a has 3 values but b has 2/);
    expect(() => pearson([1, 2, 3], [4, 4, 4])).toThrow(/b is constant/);
  });
});

describe('smoothing', () => {
  it('trailing moving average uses only past points', () => {
    // by hand: [1], [1,4], [1,4,2], [4,2,8], [2,8,5], [8,5,7]
    expect(movingAverage([1, 4, 2, 8, 5, 7], 3)).toEqual([1, 2.5, 7 / 3, 14 / 3, 5, 20 / 3]);
    expect(movingAverage([1, 4], 1)).toEqual([1, 4]);
  });

  it('debiased exponential moving average', () => {
    const expected = [
      1.0, 2.875, 2.428571428571429, 4.988970588235294, 4.993754337265787, 5.835526315789474,
    ];
    exponentialMovingAverage([1, 4, 2, 8, 5, 7], 0.6).forEach((v, i) =>
      expect(v).toBeCloseTo(expected[i], 12),
    );
    expect(smooth([1, 4, 2], { kind: 'exponential', weight: 0 })).toEqual([1, 4, 2]);
    expect(smooth([1, 4, 2], { kind: 'window', window: 2 })).toEqual([1, 2.5, 3]);
  });

  it('rejects bad smoothing parameters', () => {
    expect(() => movingAverage([1], 0)).toThrow(/window is 0; allowed are integers >= 1/);
    expect(() => exponentialMovingAverage([1], 1)).toThrow(
      /weight is 1; allowed are numbers in \[0, 1\)/,
    );
  });
});

describe('aggregateCurves', () => {
  const run1 = { x: [0, 10, 20, 30], y: [0, 10, 30, 40] };
  const run2 = { x: [5, 15, 25, 35], y: [1, 3, 5, 7] };

  it('interpolates onto the union grid of the common range (numpy interp)', () => {
    const agg = aggregateCurves([run1, run2]);
    expect(agg.x).toEqual([5, 10, 15, 20, 25, 30]);
    expect(agg.mean).toEqual([3.0, 6.0, 11.5, 17.0, 20.0, 23.0]);
    const expectedStd = [
      2.8284271247461903, 5.656854249492381, 12.020815280171307, 18.384776310850235,
      21.213203435596427, 24.041630560342615,
    ];
    agg.std.forEach((v, i) => expect(v).toBeCloseTo(expectedStd[i], 12));
    expect(agg.n).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('an explicit grid counts the runs covering each point', () => {
    const agg = aggregateCurves([run1, run2], { grid: [0, 30, 35, 40] });
    expect(agg.x).toEqual([0, 30, 35]);
    expect(agg.mean).toEqual([0, 23, 7]);
    expect(agg.n).toEqual([1, 2, 1]);
    expect(agg.std[0]).toBe(0);
  });

  it('identical x values over seeds need no interpolation', () => {
    const agg = aggregateCurves([
      { x: [1, 2], y: [10, 20] },
      { x: [1, 2], y: [30, 40] },
    ]);
    expect(agg.mean).toEqual([20, 30]);
  });

  it('rejects bad runs naming them', () => {
    expect(() => aggregateCurves([])).toThrow(/runs is empty/);
    expect(() => aggregateCurves([run1, { x: [1, 2], y: [1] }])).toThrow(
      /runs\[1\] has 2 x values but 1 y values/,
    );
    expect(() => aggregateCurves([{ x: [2, 1], y: [1, 1] }])).toThrow(/strictly increasing/);
    expect(() =>
      aggregateCurves([
        { x: [0, 1], y: [0, 0] },
        { x: [5, 6], y: [0, 0] },
      ]),
    ).toThrow(/do not overlap/);
  });

  it('interpolate returns undefined outside the range', () => {
    expect(interpolate(run1, 15)).toBe(20);
    expect(interpolate(run1, 31)).toBeUndefined();
  });
});

describe('iqm (rliable: scipy trim_mean at 0.25)', () => {
  it('drops floor(n/4) values at each end of the sorted list', () => {
    expect(iqm([4, 1, 3, 2])).toBe(2.5); // middle two: 2, 3
    expect(iqm([8, 1, 7, 2, 6, 3, 5, 4])).toBe(4.5); // 3, 4, 5, 6
    expect(iqm([10, 1, 3, 2, 100])).toBe(5); // n=5 drops 1 each end: 2, 3, 10
    expect(iqm([30, 36, 24])).toBe(30); // fewer than 4: the mean
    expect(() => iqm([])).toThrow(/values/);
  });
});

describe('bootstrapCi (percentile method)', () => {
  it('matches the exact bootstrap distribution, enumerated over every resample', () => {
    const values = [1, 2, 4, 8, 16];
    // All 5^5 resamples are equally likely: the exact distribution of the resample mean.
    const means: number[] = [];
    for (let k = 0; k < 5 ** 5; k++) {
      let sum = 0;
      for (let i = 0, rest = k; i < 5; i++, rest = Math.floor(rest / 5)) {
        sum += values[rest % 5] as number;
      }
      means.push(sum / 5);
    }
    means.sort((a, b) => a - b);
    const exact = (q: number) => means[Math.floor(q * means.length)] as number;
    const { lo, hi } = bootstrapCi(values, mean);
    expect(Math.abs(lo - exact(0.025))).toBeLessThan(0.25);
    expect(Math.abs(hi - exact(0.975))).toBeLessThan(0.25);
    expect(bootstrapCi(values, mean)).toEqual({ lo, hi }); // seeded: the same interval again
  });

  it('for the mean of many values, is close to mean ± 1.96 sigma / sqrt(n)', () => {
    const values = Array.from({ length: 40 }, (_, i) => ((i * 37) % 40) / 4); // 0..9.75
    const sigma = std(values, 0);
    const half = (1.96 * sigma) / Math.sqrt(values.length);
    const { lo, hi } = bootstrapCi(values, mean, { reps: 20_000 });
    expect(lo).toBeCloseTo(mean(values) - half, 0);
    expect(hi).toBeCloseTo(mean(values) + half, 0);
    expect((hi - lo) / (2 * half)).toBeGreaterThan(0.93);
    expect((hi - lo) / (2 * half)).toBeLessThan(1.07);
    // Another seed draws other resamples: a slightly different interval.
    const other = bootstrapCi(values, mean, { reps: 20_000, seed: 1 });
    expect(other).not.toEqual({ lo, hi });
    expect(Math.abs(other.lo - lo)).toBeLessThan(0.1);
  });

  it('three seeds: the IQM interval spans the lowest to the highest seed', () => {
    // P(all three resampled values are the lowest) = 1/27 > 2.5%, so both ends are atoms.
    expect(bootstrapCi([30, 36, 24], iqm)).toEqual({ lo: 24, hi: 36 });
    expect(bootstrapCi([7], iqm)).toEqual({ lo: 7, hi: 7 });
    expect(() => bootstrapCi([1, 2], mean, { confidence: 1 })).toThrow(/confidence/);
  });
});
