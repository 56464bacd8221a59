/**
 * w3 of the PyTorch anchor (../shared/anchors/torch_reference/planet_bench.py): a 1024^3
 * float32 matrix product, reported in GFLOP/s (2 n^3 / median time). Uses tools/bench's
 * harness for warm-up and medians; one backend and thread count per process:
 *   VMBRL_BACKEND=wasm VMBRL_WASM_THREADS=2 node packages/tensor/bench/w3.mjs [--n 1024] [--repeats 10]
 * Needs a built package: npx turbo run build --filter=@vmbrl/tensor
 */
import os from 'node:os';
import { intFlag, measure, parseArgs } from '../../../tools/bench/src/harness.mjs';
import { currentWasmThreads, initBackend, tf } from '../dist/index.js';

const { flags } = parseArgs(process.argv.slice(2));
const n = intFlag(flags, 'n', 1024);
const backend = await initBackend({ log: false });
const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
const loadBefore = os.loadavg()[0];
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
const stats = await measure(
  () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  },
  { warmup: intFlag(flags, 'warmup', 2), repeats: intFlag(flags, 'repeats', 10) },
);
// CPU time of all threads over wall time: ~1 single-threaded, up to `threads` when the other
// threads got a core (it includes the pool's spin-waiting).
const cpu = process.cpuUsage(cpuBefore);
const cpuPerWall = (cpu.user + cpu.system) / 1e3 / (performance.now() - wallBefore);
const gflops = (2 * n ** 3) / (stats.median * 1e6);
console.log(
  `w3 ${backend} threads=${currentWasmThreads() ?? '-'} n=${n}: median ${stats.median.toFixed(1)} ms = ${gflops.toFixed(2)} GFLOP/s (best ${((2 * n ** 3) / (stats.min * 1e6)).toFixed(2)}), cpu/wall ${cpuPerWall.toFixed(2)}, load ${loadBefore.toFixed(2)} -> ${os.loadavg()[0].toFixed(2)}`,
);
