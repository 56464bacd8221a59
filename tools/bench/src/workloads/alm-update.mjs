/**
 * alm-update: one ALM update (two replay samples + the four optimiser steps + targets) and one
 * acting step of AlmAgent for a run preset (--preset quick, --agent alm|alm-model-free) on a
 * HalfCheetah-sized problem (state 17, action 6), replay of 3 random episodes of 1000 rows.
 * --batch --hidden --model override the batch size and the learner's network widths.
 */
import { intFlag } from '../harness.mjs';
import { loadAgents } from './dreamer-update.mjs';

export const description = 'ALM update and act step, --preset --agent --batch --hidden --model';
/** Warm-up and repeats when --warmup / --repeats are not given; wasm only by default. */
export const defaults = { warmup: 1, repeats: 5, backends: ['wasm'] };

const S = 17;
const A = 6;

export async function cases({ Rng }, options) {
  const agents = await loadAgents();
  const replay = await import('@vmbrl/replay');
  const preset = String(options.preset ?? 'quick');
  const kind = String(options.agent ?? 'alm');
  const learner = {};
  const over = { learner };
  if (options.batch !== undefined) over.batchSize = intFlag(options, 'batch', 0);
  const width = (name) => [intFlag(options, name, 0), intFlag(options, name, 0)];
  if (options.hidden !== undefined) learner.hidden = width('hidden');
  if (options.model !== undefined) learner.modelHidden = width('model');
  const config = agents.resolveRunConfig(kind, preset, 'half-cheetah', 0, over);
  const agent = new agents.AlmAgent({ stateDim: S, actionDim: A, config: config.learner, seed: 0 });
  // Past the warm-up: the exploration schedule as in the first trained steps.
  const envStep = config.warmupSteps;
  const rng = new Rng(1);
  const buffer = new replay.EpisodeBuffer({ capacitySteps: 100_000 });
  const randomState = () => Float32Array.from({ length: S }, () => rng.normal());
  for (let e = 0; e < 3; e++) {
    const builder = new replay.EpisodeBuilder(A);
    builder.start({ state: randomState() });
    for (let t = 0; t < 1000; t++) {
      const action = Float32Array.from({ length: A }, () => rng.uniform(-1, 1));
      builder.add(action, rng.normal(), 1, { state: randomState() });
    }
    buffer.add(builder.finish());
  }
  const l = config.learner;
  const state = randomState();
  const label = `${kind} ${preset}, batch ${config.batchSize}, hidden ${l.hidden.join('x')}, model ${l.modelHidden.join('x')}, K ${l.horizon}`;
  return [
    {
      name: `update (${label})`,
      run: () => {
        const sequences = buffer.sampleTransitions(config.batchSize, l.horizon, rng, ['state']);
        const transitions = buffer.sampleTransitions(config.batchSize, 1, rng, ['state']);
        agent.train({ sequences, transitions }, { envStep });
      },
    },
    {
      name: `act step (${label})`,
      run: () => agent.policy({ state }, null, { explore: true, envStep }),
      dispose: () => agent.dispose(),
    },
  ];
}
