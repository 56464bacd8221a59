/**
 * dreamer-update: DreamerAgent's update for a run preset (--preset quick) on
 * cartpole-swingup (action dim 1) with a fixed synthetic batch: the full update (world-model
 * step + behaviour step, `train`), the behaviour step alone, and one acting step (filter +
 * actor). --B --L --H override the preset's batch size, chunk length and imagination horizon.
 */
import { intFlag } from '../harness.mjs';
import { syntheticImageBatch } from './synthetic-batch.mjs';

export const description = 'Dreamer update / behaviour step / act step, --preset --B --L --H';
/** Warm-up and repeats when --warmup / --repeats are not given; wasm only by default. */
export const defaults = { warmup: 1, repeats: 3, backends: ['wasm'] };

/** The built @vmbrl/agents. */
export async function loadAgents() {
  try {
    return await import('@vmbrl/agents');
  } catch (error) {
    console.error(
      'agent workloads need built packages: npx -y pnpm@10 exec turbo run build --filter=@vmbrl/agents...',
    );
    throw error;
  }
}

export async function cases(_tensor, options) {
  const agents = await loadAgents();
  const preset = String(options.preset ?? 'quick');
  const over = {};
  if (options.B !== undefined) over.batchSize = intFlag(options, 'B', 0);
  if (options.L !== undefined) over.chunkLength = intFlag(options, 'L', 0);
  if (options.H !== undefined) over.dreamer = { horizon: intFlag(options, 'H', 0) };
  const config = agents.resolveRunConfig('dreamer', preset, 'cartpole-swingup', 0, over);
  const agent = new agents.DreamerAgent({
    actionDim: 1,
    seed: 0,
    model: config.model,
    dreamer: config.dreamer,
    explorationNoise: 0.3,
    maxFramesPerPass: config.maxFramesPerPass,
  });
  const { batch, observation: obs } = syntheticImageBatch(config.batchSize, config.chunkLength);
  let state = null;
  const label = `${preset}, B=${config.batchSize} L=${config.chunkLength} H=${config.dreamer.horizon}`;
  return [
    { name: `update, model + behaviour (${label})`, run: () => void agent.train(batch) },
    { name: `behaviour step alone (${label})`, run: () => void agent.behaviourUpdate(batch) },
    {
      name: `act step (${label})`,
      run: async () => {
        ({ state } = await agent.policy(obs, state, { explore: true }));
      },
      dispose: async () => {
        agent.disposeState(state);
        await agent.dispose();
      },
    },
  ];
}
