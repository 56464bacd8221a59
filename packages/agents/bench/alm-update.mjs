// Times one ALM update (two replay samples + the four optimiser steps + targets) and one acting
// step of AlmAgent for a run preset, on a HalfCheetah-sized problem (state 17, action 6) with
// replay filled from random rows. Prints medians after one warm-up call.
// Usage: node bench/alm-update.mjs [--preset quick|paper|debug] [--repeats 9] [--backend wasm]
//        [--agent alm|alm-model-free] [--batch n --hidden n --model n] (overrides).
// Build first: npx -y pnpm@10 exec turbo run build --filter=@vmbrl/agents
import { parseArgs } from 'node:util';
import { EpisodeBuffer, EpisodeBuilder } from '@vmbrl/replay';
import { Rng, initBackend, tf } from '@vmbrl/tensor';
import { AlmAgent, resolveAlmRunConfig } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'quick' },
    agent: { type: 'string', default: 'alm' },
    repeats: { type: 'string', default: '9' },
    backend: { type: 'string', default: 'wasm' },
    batch: { type: 'string' },
    hidden: { type: 'string' },
    model: { type: 'string' },
  },
});
const backend = await initBackend({ backend: values.backend });
const learner = {};
if (values.batch) learner.batchSize = Number(values.batch);
if (values.hidden) learner.hidden = [Number(values.hidden), Number(values.hidden)];
if (values.model) learner.modelHidden = [Number(values.model), Number(values.model)];
const config = resolveAlmRunConfig(values.preset, values.agent, 'half-cheetah', 0, { learner });
const S = 17;
const A = 6;
const agent = new AlmAgent({ stateDim: S, actionDim: A, config: config.learner, seed: 0 });
agent.envStep = config.learner.warmupSteps;
const rng = new Rng(1);
const replay = new EpisodeBuffer({ capacitySteps: 100_000 });
for (let e = 0; e < 3; e++) {
  const builder = new EpisodeBuilder(A);
  const state = () => Float32Array.from({ length: S }, () => rng.normal());
  builder.start({ state: state() });
  for (let t = 0; t < 1000; t++) {
    builder.add(
      Float32Array.from({ length: A }, () => rng.uniform(-1, 1)),
      rng.normal(),
      1,
      {
        state: state(),
      },
    );
  }
  replay.add(builder.finish());
}
const { batchSize, horizon } = config.learner;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const repeats = Number(values.repeats);
const updateMs = [];
const actMs = [];
const state = Float32Array.from({ length: S }, () => rng.normal());
for (let i = 0; i <= repeats; i++) {
  let t0 = performance.now();
  const seq = replay.sampleTransitions(batchSize, horizon, rng, ['state']);
  const one = replay.sampleTransitions(batchSize, 1, rng, ['state']);
  agent.update(seq, one);
  const u = performance.now() - t0;
  t0 = performance.now();
  await agent.policy({ state }, null, { explore: true });
  const a = performance.now() - t0;
  if (i > 0) {
    updateMs.push(u);
    actMs.push(a);
  }
}
const l = config.learner;
const u = median(updateMs);
console.log(
  `${backend} ${values.agent} ${values.preset}: batch ${l.batchSize}, hidden ${l.hidden.join('x')}, model ${l.modelHidden.join('x')}, K ${l.horizon}: update ${u.toFixed(0)} ms (${(1000 / u).toFixed(2)} updates/s), act ${median(actMs).toFixed(1)} ms, medians of ${repeats}; tensors ${tf.memory().numTensors}`,
);
await agent.dispose();
