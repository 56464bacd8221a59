/**
 * w3: an n x n by n x n float32 matrix product (n = --matmul-n, 1024), read back, in ms and
 * GFLOP/s (2 n^3 / time), as the PyTorch anchor's w3 (inputs from tf.randomNormal seeds 1, 2).
 */
import { intFlag } from '../harness.mjs';

export const description = 'float32 matmul n^3 (anchor w3, n=1024) in ms and GFLOP/s, --matmul-n';
/** Warm-up and repeats when --warmup / --repeats are not given; wasm only by default. */
export const defaults = { warmup: 2, repeats: 10, backends: ['wasm'] };
/** The PyTorch anchor's name for this workload. */
export const reference = 'w3';

const gflops = (n, ms) => Math.round(((2 * n ** 3) / (ms * 1e6)) * 100) / 100;

export async function cases({ tf }, options) {
  const n = intFlag(options, 'matmul-n', intFlag(options, 'n', 1024));
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  return [
    {
      name: `matmul ${n}x${n}x${n}`,
      run: () => {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      },
      derive: (stats) => ({ gflops: gflops(n, stats.median), gflopsBest: gflops(n, stats.min) }),
      dispose: () => {
        a.dispose();
        b.dispose();
      },
    },
  ];
}
