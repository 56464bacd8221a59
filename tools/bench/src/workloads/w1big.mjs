/**
 * w1big: the anchor's w1 training step at paper size, B = --big-B (50), L = --big-L (50)
 * (same flags as planet_bench.py). One step takes tens of seconds: few repeats by default.
 */
import { intFlag } from '../harness.mjs';
import { w1Cases } from './w1.mjs';

export const description = 'w1 at paper size (anchor w1big, B=50 L=50), --big-B --big-L';
/** Warm-up and repeats when --warmup / --repeats are not given; wasm only by default. */
export const defaults = { warmup: 1, repeats: 3, backends: ['wasm'] };
/** The PyTorch anchor's name for this workload. */
export const reference = 'w1big';

export async function cases(_tensor, options) {
  return w1Cases(intFlag(options, 'big-B', 50), intFlag(options, 'big-L', 50));
}
