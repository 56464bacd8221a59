/**
 * w1: one PlaNet world-model training step (forward, backward, global-norm clip, Adam) at
 * B = --B (8), L = --L (16), defined exactly as the PyTorch anchor's w1
 * (../shared/anchors/torch_reference/planet_bench.py); --batch / --length are older aliases.
 * w1big (w1big.mjs) is the same step at --big-B (50) x --big-L (50).
 * The definition is in w1-model.mjs; build the packages first:
 *   npx -y pnpm@10 exec turbo run build --filter=@vmbrl/world-models
 */
import { intFlag } from '../harness.mjs';

export const description = 'PlaNet world-model train step (anchor w1, B=8 L=16), --B --L';
/** Warm-up and repeats when --warmup / --repeats are not given; wasm only by default. */
export const defaults = { warmup: 2, repeats: 5, backends: ['wasm'] };
/** The PyTorch anchor's name for this workload. */
export const reference = 'w1';

/** One train-step case of the anchor's world model at B x L. */
export async function w1Cases(B, L) {
  let createW1;
  try {
    ({ createW1 } = await import('./w1-model.mjs'));
  } catch (error) {
    console.error(
      'w1 needs a built @vmbrl/world-models: npx -y pnpm@10 exec turbo run build --filter=@vmbrl/world-models',
    );
    throw error;
  }
  const w1 = createW1({ B, L, seed: 0 });
  return [
    {
      name: `train step (B=${B}, L=${L})`,
      run: () => void w1.step(),
      dispose: () => w1.dispose(),
    },
  ];
}

export async function cases(_tensor, options) {
  const B = intFlag(options, 'B', intFlag(options, 'batch', 8));
  const L = intFlag(options, 'L', intFlag(options, 'length', 16));
  return w1Cases(B, L);
}
