/** Order statistics shared by the metrics and the dataset tools. */
import { type Validator, validator } from './validate.js';

const check: Validator = validator('percentile');

/**
 * Percentiles `qs` (each in [0, 100]) of `values` with linear interpolation between closest
 * ranks, as numpy's default `np.percentile(x, q)` (method 'linear'): position
 * h = (n - 1) q / 100. Sorts once.
 */
export function percentiles(values: readonly number[], qs: readonly number[]): number[] {
  check.finiteList('values', values);
  const sorted = Array.from(values).sort((a, b) => a - b);
  return qs.map((q) => {
    check.number('q', q, { min: 0, max: 100 });
    const h = ((sorted.length - 1) * q) / 100;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
  });
}

/** The q-th percentile of `values` (see {@link percentiles}). */
export function percentile(values: readonly number[], q: number): number {
  return percentiles(values, [q])[0] as number;
}
