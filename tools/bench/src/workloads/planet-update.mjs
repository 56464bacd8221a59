/**
 * planet-update: PlanetAgent for a run preset (--preset quick) on cartpole-swingup (action
 * dim 1) with a fixed synthetic batch: one world-model update, and one planned step (online
 * filter + CEM under the model). --B --L --J --I override batch size, chunk length, CEM
 * candidates (K = J / 10) and iterations; --model '{"deterSize":200}' overrides world-model fields.
 */
import { intFlag } from '../harness.mjs';
import { loadAgents } from './dreamer-update.mjs';
import { syntheticImageBatch } from './synthetic-batch.mjs';

export const description =
  'PlaNet world-model update and planned step, --preset --B --L --J --I --model JSON';
/** Warm-up and repeats when --warmup / --repeats are not given; wasm only by default. */
export const defaults = { warmup: 1, repeats: 5, backends: ['wasm'] };

export async function cases(_tensor, options) {
  const agents = await loadAgents();
  const preset = String(options.preset ?? 'quick');
  const over = {};
  if (options.B !== undefined) over.batchSize = intFlag(options, 'B', 0);
  if (options.L !== undefined) over.chunkLength = intFlag(options, 'L', 0);
  const planner = {};
  if (options.J !== undefined) {
    planner.candidates = intFlag(options, 'J', 0);
    planner.topK = Math.max(1, Math.round(planner.candidates / 10));
  }
  if (options.I !== undefined) planner.iterations = intFlag(options, 'I', 0);
  if (options.model !== undefined) over.model = JSON.parse(String(options.model));
  const config = agents.resolveRunConfig('planet', preset, 'cartpole-swingup', 0, {
    ...over,
    planner,
  });
  const agent = new agents.PlanetAgent({
    actionDim: 1,
    seed: 0,
    model: config.model,
    planner: config.planner,
    explorationNoise: 0.3,
    maxFramesPerPass: config.maxFramesPerPass,
  });
  const { batch, observation } = syntheticImageBatch(config.batchSize, config.chunkLength);
  const p = config.planner;
  const modelLabel = options.model === undefined ? '' : ` ${options.model}`;
  const label = `${preset}${modelLabel}, B=${config.batchSize} L=${config.chunkLength}`;
  let state = null;
  return [
    { name: `world-model update (${label})`, run: () => void agent.train(batch) },
    {
      name: `planned step, filter + CEM (J=${p.candidates} H=${p.horizon} I=${p.iterations})`,
      run: async () => {
        ({ state } = await agent.policy(observation, state, { explore: true }));
      },
      dispose: async () => {
        agent.disposeState(state);
        await agent.dispose();
      },
    },
  ];
}
