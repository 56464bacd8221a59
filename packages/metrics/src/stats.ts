/**
 * Statistics over runs and seeds: mean and sample standard deviation, median (percentiles
 * are in @vmbrl/core), Pearson correlation, smoothing, and aggregation of several runs' curves onto one x grid.
 * Inputs are plain number arrays; every function rejects empty or non-finite input with an
 * error that names the argument.
 */
import { Rng, type Validator, percentile, percentiles, validator } from '@vmbrl/core';

const check: Validator = validator('stats');

/** A curve: y[i] measured at x[i] (for example eval return at env step x). */
export interface Series {
  x: readonly number[];
  y: readonly number[];
}

/** Arithmetic mean. */
export function mean(values: readonly number[]): number {
  check.finiteList('values', values);
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Standard deviation. `ddof = 1` (the default) is the sample standard deviation, dividing by
 * n - 1 (numpy's `np.std(x, ddof=1)`), the usual choice for a spread over a few seeds; with a
 * single value it is 0 rather than undefined so a one-seed run still plots. `ddof = 0` divides
 * by n (numpy's default).
 */
export function std(values: readonly number[], ddof: 0 | 1 = 1): number {
  const m = mean(values);
  if (values.length - ddof <= 0) return 0;
  let squares = 0;
  for (const v of values) squares += (v - m) * (v - m);
  return Math.sqrt(squares / (values.length - ddof));
}

/** Mean and sample std (n - 1) of one value per seed. */
export function meanStd(values: readonly number[]): { mean: number; std: number; n: number } {
  return { mean: mean(values), std: std(values, 1), n: values.length };
}

/**
 * Element-wise mean and sample std across seeds: `runs[s][i]` is seed s at index i; all runs
 * must have the same length.
 */
export function meanStdAcross(runs: readonly (readonly number[])[]): {
  mean: number[];
  std: number[];
} {
  if (runs.length === 0) throw new RangeError('runs is empty; at least one run is needed');
  const length = runs[0].length;
  runs.forEach((run, s) => {
    check.finiteList(`runs[${s}]`, run);
    if (run.length !== length) {
      throw new RangeError(
        `runs[${s}] has ${run.length} values but runs[0] has ${length}; all runs must have the same length`,
      );
    }
  });
  const means: number[] = [];
  const stds: number[] = [];
  for (let i = 0; i < length; i++) {
    const column = runs.map((run) => run[i]);
    means.push(mean(column));
    stds.push(std(column, 1));
  }
  return { mean: means, std: stds };
}

/** Median (the 50th percentile). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * Interquartile mean, as rliable defines it (Agarwal et al., 2021, "Deep Reinforcement Learning
 * at the Edge of the Statistical Precipice", NeurIPS; rliable's `aggregate_iqm` is scipy's
 * `trim_mean(x, 0.25)`): the mean of the sorted values without floor(n / 4) at each end, so the
 * middle half for n a multiple of 4, and the plain mean for fewer than 4 values.
 */
export function iqm(values: readonly number[]): number {
  check.finiteList('values', values);
  const sorted = Array.from(values).sort((a, b) => a - b);
  const cut = Math.floor(sorted.length / 4);
  return mean(sorted.slice(cut, sorted.length - cut));
}

/** Options of {@link bootstrapCi}. */
export interface BootstrapOptions {
  /** Resamples (default 50,000, rliable's `get_interval_estimates` default). */
  reps?: number;
  /** Coverage of the interval (default 0.95). */
  confidence?: number;
  /** Seed of the resampling (default 0): the same input gives the same interval. */
  seed?: number;
}

/**
 * Percentile bootstrap confidence interval of `statistic` over `values` (one per seed), as
 * rliable reports with its default 'percentile' method: draw `reps` resamples of n values with
 * replacement, apply `statistic` to each, and take the (1 - c) / 2 and (1 + c) / 2 percentiles of
 * the results. With one task the stratified bootstrap is this plain one.
 */
export function bootstrapCi(
  values: readonly number[],
  statistic: (sample: readonly number[]) => number,
  options: BootstrapOptions = {},
): { lo: number; hi: number } {
  check.finiteList('values', values);
  const reps = check.integer('reps', options.reps ?? 50_000, 1);
  const confidence = check.number('confidence', options.confidence ?? 0.95, {
    min: 0,
    max: 1,
    minOpen: true,
    maxOpen: true,
  });
  const rng = new Rng(options.seed ?? 0);
  const n = values.length;
  const sample = new Array<number>(n);
  const results = new Array<number>(reps);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < n; i++) sample[i] = values[rng.int(n)] as number;
    results[r] = statistic(sample);
  }
  const tail = (100 * (1 - confidence)) / 2;
  const [lo, hi] = percentiles(results, [tail, 100 - tail]) as [number, number];
  return { lo, hi };
}

/**
 * Pearson correlation coefficient of paired samples. Throws if either side is constant, where
 * the coefficient is undefined.
 */
export function pearson(a: readonly number[], b: readonly number[]): number {
  check.finiteList('a', a, 2);
  check.finiteList('b', b, 2);
  if (a.length !== b.length) {
    throw new RangeError(`a has ${a.length} values but b has ${b.length}; they must be paired`);
  }
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  if (saa === 0 || sbb === 0) {
    throw new RangeError(
      `Pearson correlation is undefined: ${saa === 0 ? 'a' : 'b'} is constant (zero variance)`,
    );
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * Trailing moving average: out[i] is the mean of values[max(0, i - window + 1) .. i], so the
 * first points average over what exists so far and no future value leaks into the past.
 */
export function movingAverage(values: readonly number[], window: number): number[] {
  check.finiteList('values', values);
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`window is ${String(window)}; allowed are integers >= 1`);
  }
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

/**
 * Exponential moving average with debiasing (as TensorBoard's smoothing slider): with weight
 * w in [0, 1), s_i = w s_{i-1} + (1 - w) x_i starting from s = 0, divided by 1 - w^(i+1) so
 * the first points are not pulled towards zero. w = 0 returns the input.
 */
export function exponentialMovingAverage(values: readonly number[], weight: number): number[] {
  check.finiteList('values', values);
  if (typeof weight !== 'number' || !(weight >= 0 && weight < 1)) {
    throw new RangeError(`smoothing weight is ${String(weight)}; allowed are numbers in [0, 1)`);
  }
  const out: number[] = [];
  let s = 0;
  let correction = 1;
  for (const v of values) {
    s = weight * s + (1 - weight) * v;
    correction *= weight;
    out.push(s / (1 - correction));
  }
  return out;
}

/** How to smooth a curve: a trailing window of points, or an exponential weight. */
export type Smoothing =
  | { kind: 'window'; window: number }
  | { kind: 'exponential'; weight: number };

/** Applies a smoothing description (undefined = unchanged copy). */
export function smooth(values: readonly number[], smoothing?: Smoothing): number[] {
  if (!smoothing) {
    check.finiteList('values', values);
    return Array.from(values);
  }
  if (smoothing.kind === 'window') return movingAverage(values, smoothing.window);
  if (smoothing.kind === 'exponential') return exponentialMovingAverage(values, smoothing.weight);
  throw new RangeError(
    `smoothing kind is ${String((smoothing as { kind: unknown }).kind)}; allowed are 'window' and 'exponential'`,
  );
}

/** Throws unless a series has equal-length finite x and y with strictly increasing x. */
export function assertSeries(series: Series, name: string): void {
  check.finiteList(`${name}.x`, series.x);
  check.finiteList(`${name}.y`, series.y);
  if (series.x.length !== series.y.length) {
    throw new RangeError(
      `${name} has ${series.x.length} x values but ${series.y.length} y values; they must match`,
    );
  }
  for (let i = 1; i < series.x.length; i++) {
    if (!(series.x[i] > series.x[i - 1])) {
      throw new RangeError(
        `${name}.x must be strictly increasing, but x[${i - 1}] = ${series.x[i - 1]} and x[${i}] = ${series.x[i]}`,
      );
    }
  }
}

/** Linear interpolation of a series at `at`; undefined outside [x[0], x[last]]. */
export function interpolate(series: Series, at: number): number | undefined {
  const { x, y } = series;
  if (at < x[0] || at > x[x.length - 1]) return undefined;
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= at) lo = mid;
    else hi = mid;
  }
  if (x[lo] === at || lo === hi) return y[lo];
  if (x[hi] === at) return y[hi];
  const t = (at - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + t * (y[hi] - y[lo]);
}

/** Several runs of one curve aggregated on a common grid. */
export interface AggregatedCurve {
  x: number[];
  mean: number[];
  /** Sample std (n - 1) over the runs that cover x[i]; 0 where only one does. */
  std: number[];
  /** How many runs cover x[i]. */
  n: number[];
}

/**
 * Aggregates runs (each its own x values, e.g. eval env steps) onto a common grid: each run is
 * linearly interpolated at every grid point inside its x range, and the mean and sample std are
 * taken over the runs that cover that point. The default grid is the sorted union of all runs'
 * x values inside the range every run covers, so no point mixes a different set of seeds;
 * `grid` overrides it (points no run covers are dropped).
 */
export function aggregateCurves(
  runs: readonly Series[],
  options: { grid?: readonly number[] } = {},
): AggregatedCurve {
  if (runs.length === 0) throw new RangeError('runs is empty; at least one run is needed');
  runs.forEach((run, i) => assertSeries(run, `runs[${i}]`));
  let grid: number[];
  if (options.grid) {
    check.finiteList('grid', options.grid);
    grid = Array.from(options.grid).sort((a, b) => a - b);
  } else {
    const lo = Math.max(...runs.map((r) => r.x[0]));
    const hi = Math.min(...runs.map((r) => r.x[r.x.length - 1]));
    if (lo > hi) {
      throw new RangeError(
        `the runs' x ranges do not overlap (latest start ${lo} > earliest end ${hi}); pass an explicit grid`,
      );
    }
    const union = new Set<number>();
    for (const run of runs) for (const x of run.x) if (x >= lo && x <= hi) union.add(x);
    grid = Array.from(union).sort((a, b) => a - b);
  }
  const out: AggregatedCurve = { x: [], mean: [], std: [], n: [] };
  for (const at of grid) {
    const values: number[] = [];
    for (const run of runs) {
      const v = interpolate(run, at);
      if (v !== undefined) values.push(v);
    }
    if (values.length === 0) continue;
    out.x.push(at);
    out.mean.push(mean(values));
    out.std.push(std(values, 1));
    out.n.push(values.length);
  }
  return out;
}
