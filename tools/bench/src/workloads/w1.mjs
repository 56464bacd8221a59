/**
 * w1: one PlaNet world-model training step (forward, backward, global-norm clip, Adam) at
 * B = --batch (8), L = --length (16), defined exactly as the PyTorch anchor's w1
 * (../shared/anchors/torch_reference/planet_bench.py). --batch 50 --length 50 is w1big.
 * The definition lives with the model in packages/world-models/bench/w1.mjs; build it first:
 *   npx turbo run build --filter=@vmbrl/world-models
 */
import { intFlag } from '../harness.mjs';

export const description = 'PlaNet world-model train step (anchor w1), --batch B --length L';

export async function cases(_tensor, options) {
  let createW1;
  try {
    ({ createW1 } = await import('../../../../packages/world-models/bench/w1.mjs'));
  } catch (error) {
    console.error(
      'w1 needs a built @vmbrl/world-models: npx turbo run build --filter=@vmbrl/world-models',
    );
    throw error;
  }
  const B = options.batch;
  const L = intFlag(options, 'length', 16);
  const w1 = createW1({ B, L, seed: 0 });
  return [
    {
      name: `train step (B=${B}, L=${L})`,
      run: () => void w1.step(),
      dispose: () => w1.dispose(),
    },
  ];
}
