/**
 * split-products: whether a product gains from a second thread. Times tf.matMul of M x K by
 * K x N, each followed by one element-wise add (as in a model step, where the worker sleeps
 * between products), for M = 8, 32, 128 and K, N = 200, 400, 1200 (1224 for K), median of 3
 * runs. Run it once per thread count and compare:
 *   node tools/bench/src/split-products.mjs 1 > t1.json && node tools/bench/src/split-products.mjs 2 > t2.json
 *   node tools/bench/src/split-products.mjs --compare t1.json t2.json
 * Needs a built @vmbrl/tensor.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
if (args[0] === '--compare') {
  const [one, two] = args.slice(1, 3).map((f) => JSON.parse(readFileSync(f, 'utf8')));
  console.log('M K N | MFLOP | ms at 1 thread | ms at 2 threads | speed-up');
  one.forEach(([m, k, n, flops, ms], i) => {
    const ms2 = two[i][4];
    console.log(
      `${m} ${k} ${n} | ${(flops / 1e6).toFixed(1)} | ${ms.toFixed(3)} | ${ms2.toFixed(3)} | ${(ms / ms2).toFixed(2)}`,
    );
  });
  process.exit(0);
}
const threads = Number(args[0]);
if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
  console.error('usage: split-products.mjs THREADS (1-8) | --compare T1.json T2.json');
  process.exit(2);
}
const tensor = await import('@vmbrl/tensor');
await tensor.initBackend({ backend: 'wasm', wasmThreads: threads, log: false });
const tf = tensor.tf;
const out = [];
for (const m of [8, 32, 128])
  for (const k of [200, 400, 1224])
    for (const n of [200, 400, 1200]) {
      const a = tf.randomNormal([m, k]);
      const b = tf.randomNormal([k, n]);
      const s = tf.randomNormal([m, k]);
      for (let i = 0; i < 10; i++) tf.matMul(a, b).dispose();
      const calls = Math.max(20, Math.round(2e8 / (2 * m * k * n)));
      const times = [];
      for (let r = 0; r < 3; r++) {
        const start = performance.now();
        for (let i = 0; i < calls; i++) {
          tf.matMul(a, b).dispose();
          tf.add(s, 1).dispose();
        }
        times.push((performance.now() - start) / calls);
      }
      times.sort((x, y) => x - y);
      out.push([m, k, n, 2 * m * k * n, times[1]]);
      tf.dispose([a, b, s]);
    }
console.log(JSON.stringify(out));
