import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRUCell, currentWasmThreads, initBackend, tf, wasmThreadInfo } from '../../index.js';
import { wasmKernelsFor } from './backend-kernels.js';
import type { WasmKernels } from './engine.js';

/**
 * Our kernels on tfjs' threaded wasm build: parts of each call run on a worker pool sharing the
 * heap. Splits follow whole rows or batch entries, so the results must be bitwise
 * those of one thread.
 */
let engine: WasmKernels;

beforeAll(async () => {
  Reflect.deleteProperty(process.env, 'VMBRL_WASM_THREADS');
  await initBackend({ backend: 'wasm', log: false, wasmThreads: 2 });
  engine = wasmKernelsFor(tf.backend()) as WasmKernels;
});
afterAll(() => {
  engine.parallel = true;
});

const uniform = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

/** Values of f with the pool (which must get work), then on one thread. */
function bothWays(f: () => tf.Tensor): [Float32Array, Float32Array] {
  const run = (parallel: boolean) => {
    engine.parallel = parallel;
    return tf.tidy(() => f().dataSync() as Float32Array);
  };
  const jobs = engine.workerJobs;
  const pooled = run(true);
  expect(engine.workerJobs).toBeGreaterThan(jobs);
  return [pooled, run(false)];
}

describe('our wasm kernels on 2 threads', () => {
  it('run on the shared heap with one pool worker, XNNPACK on the calling thread alone', () => {
    expect(engine.shared).toBe(true);
    expect(engine.threads).toBe(2);
    expect(wasmThreadInfo().threads).toBe(1);
    expect(currentWasmThreads()).toBe(2);
  });

  const a = uniform([1000, 400], 1);
  const w = uniform([400, 300], 2);
  const cases: Record<string, () => tf.Tensor> = {
    'a product split by rows (1000 x 400 x 300)': () => tf.matMul(a, w),
    'B transposed (1000 x 400 x 1000)': () => tf.matMul(a, a, false, true),
    'by batch entries (3 x 200 x 400 x 300, fused bias and relu)': () =>
      tf.fused.matMul({
        a: a.slice([0, 0], [600, 400]).reshape([3, 200, 400]),
        b: w,
        bias: w.slice([0, 0], [1, 300]).reshape([300]),
        activation: 'relu',
      }),
    'a convolution (positions split) and both its gradients (taps and phase rows split)': () => {
      const x = uniform([16, 31, 31, 32], 5) as tf.Tensor4D;
      const f = uniform([4, 4, 32, 64], 6) as tf.Tensor4D;
      const [dx, df] = tf.grads((xi: tf.Tensor, fi: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, 2, 'valid'))),
      )([x, f]) as [tf.Tensor, tf.Tensor];
      return tf.concat([
        tf.conv2d(x, f, 2, 'valid').reshape([-1]),
        dx.reshape([-1]),
        df.reshape([-1]),
      ]);
    },
    'a few-channel transposed convolution on conv_direct.c (phase rows split)': () => {
      const dy = uniform([48, 32, 32, 4], 7) as tf.Tensor4D;
      const f = uniform([3, 3, 6, 4], 8) as tf.Tensor4D;
      return tf.conv2dTranspose(dy, f, [48, 65, 65, 6], 2, 'valid');
    },
    'tanh and softplus of 400 000 elements': () => tf.concat([tf.tanh(a), tf.softplus(a)]),
    'a GRU step of 1000 rows': () => {
      const cell = new GRUCell(400, 200, { seed: 4 });
      const out = cell.apply(a, a.slice([0, 0], [1000, 200]));
      for (const v of cell.trainableVariables()) v.dispose();
      return out;
    },
  };
  for (const [name, f] of Object.entries(cases)) {
    it(`gives bitwise the single-threaded result: ${name}`, () => {
      const before = tf.memory().numTensors;
      const [pooled, serial] = bothWays(f);
      expect(tf.memory().numTensors).toBe(before);
      expect(pooled.length).toBeGreaterThan(0);
      expect(Buffer.from(pooled.buffer).equals(Buffer.from(serial.buffer))).toBe(true);
    });
  }

  it('adds no handle that keeps Node alive', () => {
    const live = process
      .getActiveResourcesInfo()
      .filter((r) => r === 'Worker' || r === 'MessagePort');
    expect(live).toEqual([]);
  });
});
