#!/usr/bin/env node
/**
 * Workload w1: one world-model training step (forward + backward + Adam + global-norm clip),
 * defined as in the PyTorch anchor (../shared/anchors/torch_reference/planet_bench.py):
 * PlaNet encoder, RSSM 200/30/200, decoder, reward head 2 x 200, image + reward (scale 1) +
 * KL clamped per step at 3 free nats, Adam lr 1e-3 eps 1e-4 clip 1000, action dim 6,
 * uniform random images / actions, normal rewards; B = 8, L = 16 (w1big: B = 50, L = 50).
 *
 * Usage (after `npx turbo run build --filter=@vmbrl/world-models`):
 *   node bench/train-step.mjs [--B 8] [--L 16] [--warmup 2] [--runs 5] [--backend wasm]
 * Prints one JSON object: median/min/max ms, all runs, own and other processes' CPU use.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend, tf } from '@vmbrl/tensor';
import { LatentWorldModel, resolveConfig } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    B: { type: 'string', default: '8' },
    L: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '2' },
    runs: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'wasm' },
    seed: { type: 'string', default: '0' },
  },
});
const B = Number(values.B);
const L = Number(values.L);
const ACTION_DIM = 6;

/** Busy CPU seconds of the whole machine, from /proc/stat (as the anchor measures). */
function machineBusySeconds() {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return (total - fields[3] - fields[4]) / 100; // USER_HZ = 100 on Linux
}

function ownCpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Seeded uniform numbers (mulberry32) so inputs do not depend on tfjs randomness. */
function uniforms(n, seed) {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}

const backend = await initBackend({ backend: values.backend });
const config = resolveConfig('paper', {
  rewardHidden: [200, 200],
  rewardScale: 1,
  freeNats: 3,
  freeNatsConvention: 'clampPerStep',
  bitDepth: 8,
});
const model = new LatentWorldModel(config, { actionDim: ACTION_DIM, seed: Number(values.seed) });
const u = uniforms(B * L * (64 * 64 * 3 + ACTION_DIM + 2), Number(values.seed) + 1);
let k = 0;
const image = new Uint8Array(B * L * 64 * 64 * 3).map(() => Math.floor(u[k++] * 256));
const action = new Float32Array(B * L * ACTION_DIM).map(() => u[k++] * 2 - 1);
const reward = new Float32Array(B * L).map(() => {
  const r = Math.sqrt(-2 * Math.log(1 - u[k++])) * Math.cos(2 * Math.PI * u[k++]);
  return r;
});
const batch = { image, action, reward, batchSize: B, length: L };

let last;
for (let i = 0; i < Number(values.warmup); i += 1) last = model.trainStep(batch);
const tensorsBefore = tf.memory().numTensors;
const times = [];
const m0 = machineBusySeconds();
const c0 = ownCpuSeconds();
const w0 = performance.now();
for (let i = 0; i < Number(values.runs); i += 1) {
  const t0 = performance.now();
  last = model.trainStep(batch);
  times.push(performance.now() - t0);
}
const wall = (performance.now() - w0) / 1000;
const own = ownCpuSeconds() - c0;
const other = Math.max(0, machineBusySeconds() - m0 - own);
const sorted = [...times].sort((a, b) => a - b);
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
console.log(
  JSON.stringify({
    workload: B === 50 && L === 50 ? 'w1big' : 'w1',
    backend,
    B,
    L,
    median_ms: round(sorted[Math.floor(sorted.length / 2)]),
    min_ms: round(sorted[0]),
    max_ms: round(sorted.at(-1)),
    all_ms: times.map((t) => round(t, 2)),
    runs: times.length,
    warmup: Number(values.warmup),
    own_cpu_cores_avg: round(own / wall, 2),
    other_procs_cpu_cores_avg: round(other / wall, 2),
    final_loss: round(last.loss),
    last_grad_norm: round(last.gradNorm),
    tensors_leaked_per_step: (tf.memory().numTensors - tensorsBefore) / times.length,
    peak_rss_mib: round(process.resourceUsage().maxRSS / 1024, 1),
  }),
);
