// Times DreamerAgent's update (world-model step + behaviour step, and the behaviour step alone)
// and one acting step (online filter + actor) for a preset; reports medians.
// Usage: node bench/dreamer-update.mjs [--preset quick|paper|debug] [--repeats 5]
//        [--backend wasm] [--B n --L n --H n] [--behaviour-only]. Build first (npx -y pnpm@10 --filter @vmbrl/agents build).
import { parseArgs } from 'node:util';
import { initBackend, tf } from '@vmbrl/tensor';
import { DreamerAgent, resolveOnlineConfig } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'quick' },
    repeats: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'wasm' },
    B: { type: 'string' },
    L: { type: 'string' },
    H: { type: 'string' },
    'behaviour-only': { type: 'boolean', default: false },
  },
});
const backend = await initBackend({ backend: values.backend });
const over = { agent: 'dreamer' };
if (values.B) over.batchSize = Number(values.B);
if (values.L) over.chunkLength = Number(values.L);
if (values.H) over.dreamer = { horizon: Number(values.H) };
const config = resolveOnlineConfig(values.preset, 'cartpole-swingup', 0, over);
const agent = new DreamerAgent({
  actionDim: 1,
  seed: 0,
  model: config.model,
  dreamer: config.dreamer,
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
const time = (fn, n) => {
  const out = [];
  for (let i = 0; i <= n; i++) {
    const t0 = performance.now();
    fn();
    if (i > 0) out.push(performance.now() - t0); // the first call warms up kernels
  }
  return out;
};
// --behaviour-only skips the world-model step (to see which part a heap limit stops).
const updates = values['behaviour-only'] ? [Number.NaN] : time(() => agent.train(batch), repeats);
const behaviour = time(() => agent.behaviourUpdate(batch), repeats);
const acts = [];
let state = null;
const obs = { image: image.subarray(0, frame) };
for (let i = 0; i <= repeats; i++) {
  const t0 = performance.now();
  ({ state } = await agent.policy(obs, state, { explore: true }));
  if (i > 0) acts.push(performance.now() - t0);
}
agent.disposeState(state);
const d = config.dreamer;
console.log(
  JSON.stringify({
    backend,
    preset: values.preset,
    B,
    L,
    H: d.horizon,
    actor: d.actorHidden.join('x'),
    model: `${config.model.deterSize}/${config.model.stochSize}/${config.model.hiddenSize} depth ${config.model.cnnDepth}`,
    updateMs: { median: Math.round(median(updates)), all: updates.map(Math.round) },
    updatesPerSecond: Number((1000 / median(updates)).toFixed(3)),
    behaviourMs: { median: Math.round(median(behaviour)), all: behaviour.map(Math.round) },
    actStepMs: { median: Math.round(median(acts)), all: acts.map(Math.round) },
    numTensors: tf.memory().numTensors,
  }),
);
await agent.dispose();
