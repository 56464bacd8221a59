// Times one world-model update and one planned step (filter + CEM) of PlanetAgent for a preset.
// Usage: node bench/step-times.mjs [--preset quick|paper|debug] [--repeats 5] [--backend wasm]
//        [--B n --L n --J n --I n] (overrides). Build first: npx tsup (and the deps).
import { parseArgs } from 'node:util';
import { initBackend, tf } from '@vmbrl/tensor';
import { PlanetAgent, resolveOnlineConfig } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'quick' },
    repeats: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'wasm' },
    B: { type: 'string' },
    L: { type: 'string' },
    J: { type: 'string' },
    I: { type: 'string' },
  },
});
const backend = await initBackend({ backend: values.backend });
const over = {};
if (values.B) over.batchSize = Number(values.B);
if (values.L) over.chunkLength = Number(values.L);
const planner = {};
if (values.J) planner.candidates = Number(values.J);
if (values.I) planner.iterations = Number(values.I);
if (planner.candidates) planner.topK = Math.max(1, Math.round(planner.candidates / 10));
const config = resolveOnlineConfig(values.preset, 'cartpole-swingup', 0, { ...over, planner });
const agent = new PlanetAgent({
  actionDim: 1,
  seed: 0,
  model: config.model,
  planner: config.planner,
  explorationNoise: 0.3,
  maxFramesPerPass: config.maxFramesPerPass,
});
const { batchSize: B, chunkLength: L } = config;
const frame = 64 * 64 * 3;
const image = new Uint8Array(B * L * frame).map((_, i) => (i * 2654435761) >>> 24);
const batch = {
  image,
  action: new Float32Array(B * L).fill(0.1),
  reward: new Float32Array(B * L).fill(0.5),
  batchSize: B,
  length: L,
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const repeats = Number(values.repeats);
const updates = [];
for (let i = 0; i <= repeats; i++) {
  const t0 = performance.now();
  agent.train(batch);
  if (i > 0) updates.push(performance.now() - t0); // first call warms up kernels
}
const plans = [];
let state = null;
const obs = { image: image.subarray(0, frame) };
for (let i = 0; i <= repeats; i++) {
  const t0 = performance.now();
  ({ state } = await agent.policy(obs, state, { explore: true }));
  if (i > 0) plans.push(performance.now() - t0);
}
agent.disposeState(state);
const p = config.planner;
console.log(
  JSON.stringify({
    backend,
    preset: values.preset,
    B,
    L,
    J: p.candidates,
    H: p.horizon,
    I: p.iterations,
    K: p.topK,
    model: `${config.model.deterSize}/${config.model.stochSize}/${config.model.hiddenSize} depth ${config.model.cnnDepth}`,
    updateMs: { median: Math.round(median(updates)), all: updates.map(Math.round) },
    planStepMs: { median: Math.round(median(plans)), all: plans.map(Math.round) },
    numTensors: tf.memory().numTensors,
  }),
);
await agent.dispose();
