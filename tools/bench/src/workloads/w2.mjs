/**
 * w2: one CEM action selection (J = 1000, H = 12, I = 10, K = 100, action dim 6) under a fixed
 * RSSM prior + reward head, defined exactly as the PyTorch anchor's w2
 * (../shared/anchors/torch_reference/planet_bench.py). --J --H --I --K override the sizes.
 * The definition is in w2-planner.mjs; build the packages first:
 *   npx -y pnpm@10 exec turbo run build --filter=@vmbrl/planners
 */
import { intFlag } from '../harness.mjs';

export const description = 'PlaNet CEM action selection (anchor w2), --J --H --I --K';
/** Warm-up and repeats when --warmup / --repeats are not given; wasm only by default. */
export const defaults = { warmup: 2, repeats: 5, backends: ['wasm'] };
/** The PyTorch anchor's name for this workload. */
export const reference = 'w2';

export async function cases(_tensor, options) {
  let createW2;
  try {
    ({ createW2 } = await import('./w2-planner.mjs'));
  } catch (error) {
    console.error(
      'w2 needs a built @vmbrl/planners: npx -y pnpm@10 exec turbo run build --filter=@vmbrl/planners',
    );
    throw error;
  }
  const J = intFlag(options, 'J', 1000);
  const H = intFlag(options, 'H', 12);
  const I = intFlag(options, 'I', 10);
  const K = intFlag(options, 'K', 100);
  const w2 = createW2({ J, H, I, K, seed: 0 });
  return [
    {
      name: `CEM action selection (J=${J}, H=${H}, I=${I}, K=${K}, A=6)`,
      run: () => w2.select(),
      dispose: () => w2.dispose(),
    },
  ];
}
