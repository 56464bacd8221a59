/**
 * cem-oracle: one CEM action selection with the true simulator (PlaNet's "CEM + true simulator"):
 * cartpole-swingup, action repeat 8, J = 1000, H = 12, I = 10, K = 100 by default
 * (--J --H --I --K --repeat override; --workers N > 0 scores in N env worker threads, 0 in this
 * thread). The env is reset with seed 0 and planned from its initial state every run.
 * Needs built packages: npx turbo run build --filter=@vmbrl/envs --filter=@vmbrl/planners
 */
import { intFlag } from '../harness.mjs';

export const description = 'CEM + true simulator on cartpole-swingup, --J --I --repeat --workers';

export async function cases(tensor, options) {
  let envs;
  let planners;
  try {
    envs = await import('@vmbrl/envs');
    planners = await import('@vmbrl/planners');
  } catch (error) {
    console.error(
      'cem-oracle needs built packages: npx turbo run build --filter=@vmbrl/envs --filter=@vmbrl/planners',
    );
    throw error;
  }
  const J = intFlag(options, 'J', 1000);
  const H = intFlag(options, 'H', 12);
  const I = intFlag(options, 'I', 10);
  const K = intFlag(options, 'K', 100);
  const repeat = intFlag(options, 'repeat', 8);
  const workers = intFlag(options, 'workers', 0);
  const task = String(options.task ?? 'cartpole-swingup');
  const acting = await envs.makeWrappedEnv({ task });
  acting.reset(0);
  const scorer =
    workers > 0
      ? await envs.ParallelSimulatorScorer.create({ task }, { actionRepeat: repeat, workers })
      : new envs.SimulatorScorer(await envs.makeWrappedEnv({ task }), { actionRepeat: repeat });
  scorer.setBelief(acting.getState());
  const rng = new tensor.Rng(1);
  return [
    {
      name: `${task} CEM oracle (J=${J}, H=${H}, I=${I}, K=${K}, R=${repeat}, workers=${workers})`,
      run: () => planners.cem(scorer, { horizon: H, iterations: I, candidates: J, topK: K, rng }),
      dispose: () => {
        if (workers > 0) void scorer.close();
        acting.close();
      },
    },
  ];
}
