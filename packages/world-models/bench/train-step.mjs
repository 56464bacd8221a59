#!/usr/bin/env node
/**
 * Times workload w1 (see w1.mjs: one world-model training step defined as in the PyTorch
 * anchor) like the anchor does: median of --runs after --warmup, plus the CPU used by other
 * processes meanwhile (compare only runs where that is near 0). B = 8, L = 16 is w1;
 * --B 50 --L 50 is w1big.
 *
 * Usage (after `npx turbo run build --filter=@vmbrl/world-models`):
 *   node bench/train-step.mjs [--B 8] [--L 16] [--warmup 2] [--runs 5] [--backend wasm]
 * Prints one JSON object: median/min/max ms, all runs, own and other processes' CPU use.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend, tf } from '@vmbrl/tensor';
import { createW1 } from './w1.mjs';

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

const backend = await initBackend({ backend: values.backend });
const rssBefore = process.resourceUsage().maxRSS / 1024;
const w1 = createW1({ B, L, seed: Number(values.seed) });

let last;
for (let i = 0; i < Number(values.warmup); i += 1) last = w1.step();
const tensorsBefore = tf.memory().numTensors;
const times = [];
const m0 = machineBusySeconds();
const c0 = ownCpuSeconds();
const w0 = performance.now();
for (let i = 0; i < Number(values.runs); i += 1) {
  const t0 = performance.now();
  last = w1.step();
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
    median_ms: round(
      sorted.length % 2
        ? sorted[sorted.length >> 1]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2,
    ),
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
    peak_rss_mib_before_model: round(rssBefore, 1),
  }),
);
