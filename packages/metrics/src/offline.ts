/**
 * The offline protocol's numbers ("Models, Pixels, and Rewards", section 4.3, Tables 1-2, Figs
 * 8-9), as plain functions of arrays:
 *
 * - the score of a model: the 90th percentile of its evaluation returns (Table 1), with mean and
 *   sample std beside it;
 * - the reward prediction error of one prediction window: the L2 norm over the horizon of
 *   predicted minus true rewards (the study's code, `reward_error`), summarised over all windows
 *   of the test split by the median (Table 2) and the mean;
 * - the image prediction error of one window: the mean squared error per pixel value, images in
 *   [0, 1] (the same scale as the run reports' open-loop error);
 * - the 2-D histogram of (true, predicted) rewards behind the heat maps of Figs 8-9.
 */
import { type Validator, percentile, validator } from '@vmbrl/core';
import { mean, std } from './stats.js';

const check: Validator = validator('offline metrics');

/** A model's score over its evaluation episodes. */
export interface ScoreSummary {
  /** 90th percentile of the returns (numpy's linear interpolation): the paper's score. */
  p90: number;
  mean: number;
  /** Sample std (n - 1; 0 for one episode). */
  std: number;
  episodes: number;
}

/** The paper's score (Table 1) of `returns`, with their mean and std. */
export function scoreSummary(returns: readonly number[]): ScoreSummary {
  check.finiteList('returns', returns);
  return {
    p90: percentile(returns, 90),
    mean: mean(returns),
    std: std(returns, 1),
    episodes: returns.length,
  };
}

/**
 * Reward error of each window: `predicted` and `truth` hold W windows of `horizon` rewards each,
 * row-major [W, H]; window w's error is sqrt(sum_h (predicted - truth)^2).
 */
export function rewardWindowErrors(
  predicted: ArrayLike<number>,
  truth: ArrayLike<number>,
  horizon: number,
): number[] {
  const windows = checkWindows(predicted, truth, horizon, 'horizon');
  const errors: number[] = [];
  for (let w = 0; w < windows; w++) {
    let squares = 0;
    for (let h = 0; h < horizon; h++) {
      const d = (predicted[w * horizon + h] as number) - (truth[w * horizon + h] as number);
      squares += d * d;
    }
    errors.push(Math.sqrt(squares));
  }
  return errors;
}

/**
 * Image error of each window: `predicted` in [0, 1] and `truth` as uint8 (0..255), both W windows
 * of `valuesPerWindow` values (H frames x 64 x 64 x 3); window w's error is the mean of
 * (predicted - truth / 255)^2 over its values.
 */
export function imageWindowErrors(
  predicted: ArrayLike<number>,
  truth: Uint8Array,
  valuesPerWindow: number,
): number[] {
  const windows = checkWindows(predicted, truth, valuesPerWindow, 'valuesPerWindow');
  const errors: number[] = [];
  for (let w = 0; w < windows; w++) {
    let squares = 0;
    const start = w * valuesPerWindow;
    for (let i = start; i < start + valuesPerWindow; i++) {
      const d = (predicted[i] as number) - (truth[i] as number) / 255;
      squares += d * d;
    }
    errors.push(squares / valuesPerWindow);
  }
  return errors;
}

function checkWindows(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  size: number,
  name: string,
): number {
  check.integer(name, size, 1);
  if (a.length !== b.length || a.length % size !== 0 || a.length === 0) {
    check.fail(
      'predicted/truth',
      `${a.length} and ${b.length} values`,
      `two arrays of the same non-zero length, a multiple of ${name} = ${size}`,
    );
  }
  return a.length / size;
}

/** Errors of all windows, summarised. */
export interface ErrorSummary {
  /** Median over windows: the paper's L_R of Table 2. */
  median: number;
  mean: number;
  windows: number;
}

/** Median and mean of per-window errors. */
export function errorSummary(errors: readonly number[]): ErrorSummary {
  check.finiteList('errors', errors);
  return { median: percentile(errors, 50), mean: mean(errors), windows: errors.length };
}

/** A 2-D histogram on a regular grid. */
export interface Histogram2d {
  /** Bin edges of x (bins + 1 values) and of y. */
  xEdges: number[];
  yEdges: number[];
  /** counts[i][j]: points with x in bin i and y in bin j. */
  counts: number[][];
  /** Points outside the range (not counted in `counts`). */
  outside: number;
}

/**
 * Counts points (x[k], y[k]) in `bins` x `bins` equal bins over [min, max] on both axes; bins
 * are closed on the left, the last one on both sides (numpy's `histogram2d` convention).
 */
export function histogram2d(
  x: readonly number[],
  y: readonly number[],
  range: { min: number; max: number; bins: number },
): Histogram2d {
  check.finiteList('x', x, 0);
  check.finiteList('y', y, 0);
  if (x.length !== y.length) check.fail('x/y', `${x.length} and ${y.length}`, 'paired values');
  const bins = check.integer('bins', range.bins, 1);
  const { min, max } = range;
  check.number('min', min);
  check.number('max', max, { min, minOpen: true });
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + i * width);
  const counts = Array.from({ length: bins }, () => new Array<number>(bins).fill(0));
  const bin = (v: number) => (v === max ? bins - 1 : Math.floor((v - min) / width));
  let outside = 0;
  for (let k = 0; k < x.length; k++) {
    const xv = x[k] as number;
    const yv = y[k] as number;
    if (xv < min || xv > max || yv < min || yv > max) {
      outside++;
      continue;
    }
    counts[bin(xv)][bin(yv)]++;
  }
  return { xEdges: edges, yEdges: edges.slice(), counts, outside };
}
