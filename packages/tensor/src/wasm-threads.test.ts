import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Adam,
  ConvDecoder,
  ConvEncoder,
  currentWasmThreads,
  initBackend,
  isFastKernel,
  setWasmKernels,
  tf,
  wasmThreadInfo,
} from './index.js';
import { parseWasmThreads, replaceWasmThreadPool } from './wasm-threads.js';

/** Handles that keep Node's event loop alive and that a worker thread would add. */
function liveWorkerHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort')
    .length;
}

type Computation = () => Float32Array[];

/** Largest |a - b| / (1 + |b|) over all elements. */
function maxRelativeError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(
      worst,
      Math.abs((a[i] as number) - (b[i] as number)) / (1 + Math.abs(b[i] as number)),
    );
  }
  return worst;
}

function read(...tensors: tf.Tensor[]): Float32Array[] {
  return tensors.map((t) => t.dataSync() as Float32Array);
}

const uniform = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

/** Each computation returns plain arrays and leaves no tensors behind (checked below). */
const COMPUTATIONS: Record<string, Computation> = {
  'matMul 300x500 by 500x400 (and both transposed forms)': () =>
    tf.tidy(() => {
      const a = uniform([300, 500], 1);
      const b = uniform([500, 400], 2);
      return read(
        tf.matMul(a, b),
        tf.matMul(a.transpose(), b.transpose(), true, true),
        tf.matMul(a, b.transpose(), false, true),
      );
    }),
  'conv2d [4,32,32,8] * [4,4,8,16], stride 2 valid and stride 1 same': () =>
    tf.tidy(() => {
      const x = uniform([4, 32, 32, 8], 3) as tf.Tensor4D;
      const w = uniform([4, 4, 8, 16], 4) as tf.Tensor4D;
      return read(tf.conv2d(x, w, 2, 'valid'), tf.conv2d(x, w, 1, 'same'));
    }),
  'our conv gradients (Conv2DBackpropInput, Conv2DBackpropFilter) and conv2dTranspose': () =>
    tf.tidy(() => {
      const x = uniform([4, 32, 32, 8], 5);
      const w = uniform([4, 4, 8, 16], 6);
      const dy = uniform([4, 15, 15, 16], 7);
      const [dx, dw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, 2, 'valid'), dy)),
      )([x, w]) as [tf.Tensor, tf.Tensor];
      const up = tf.conv2dTranspose(
        uniform([4, 5, 5, 32], 8) as tf.Tensor4D,
        uniform([5, 5, 16, 32], 9) as tf.Tensor4D,
        [4, 13, 13, 16],
        2,
        'valid',
      );
      return read(dx, dw, up);
    }),
  'one Adam step of the PlaNet conv encoder + decoder (batch 2)': () => {
    const encoder = new ConvEncoder({ name: 'enc', seed: 11 });
    const decoder = new ConvDecoder(1024, { name: 'dec', seed: 12 });
    const vars = [...encoder.trainableVariables(), ...decoder.trainableVariables()];
    const adam = new Adam({ lr: 1e-3, eps: 1e-4, clipNorm: 1000 });
    const images = tf.tidy(() => uniform([2, 64, 64, 3], 13).mul(0.5));
    const { loss, gradNorm } = adam.step(
      () =>
        tf.mean(tf.sum(tf.square(tf.sub(decoder.apply(encoder.apply(images)), images)), [1, 2, 3])),
      vars,
    );
    const out = [Float32Array.of(loss, gradNorm), ...vars.map((v) => v.dataSync() as Float32Array)];
    images.dispose();
    for (const v of vars) v.dispose();
    adam.dispose();
    return out;
  },
};

describe('wasm with XNNPACK threads under Node', () => {
  const handlesBefore = liveWorkerHandles();
  const threaded = new Map<string, Float32Array[]>();

  const logged: string[] = [];

  beforeAll(async () => {
    Reflect.deleteProperty(process.env, 'VMBRL_WASM_THREADS');
    // With our kernels off XNNPACK gets every thread (with them on it runs on one, and ours on
    // the rest: kernels/wasm/threads.test.ts).
    setWasmKernels([]);
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      logged.push(String(chunk));
      return true;
    });
    try {
      await initBackend({ backend: 'wasm', wasmThreads: 2 });
    } finally {
      spy.mockRestore();
    }
  });
  afterAll(() => {
    Reflect.deleteProperty(process.env, 'VMBRL_WASM_THREADS');
  });

  it('runs XNNPACK on 2 threads (one pthread worker) with our kernels off', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(currentWasmThreads()).toBe(2);
    expect(wasmThreadInfo().threads).toBe(2);
    expect(logged.join('')).toContain(
      '[vmbrl/tensor] backend: wasm (simd on, threads 2 on worker_threads)',
    );
    for (const name of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul']) {
      expect(isFastKernel(name, 'wasm')).toBe(true);
    }
  });

  it('computes every case on 2 threads without leaking tensors', () => {
    for (const [name, compute] of Object.entries(COMPUTATIONS)) {
      const before = tf.memory().numTensors;
      threaded.set(name, compute());
      expect(tf.memory().numTensors, name).toBe(before);
    }
    expect(wasmThreadInfo().runningWorkers).toBeGreaterThanOrEqual(1);
  });

  it('gives the results of the single-threaded pool within float tolerance', () => {
    expect(replaceWasmThreadPool(1)).toBe(1);
    try {
      for (const [name, compute] of Object.entries(COMPUTATIONS)) {
        const serial = compute();
        const parallel = threaded.get(name);
        expect(parallel, name).toBeDefined();
        expect(serial.length, name).toBe(parallel?.length);
        serial.forEach((s, i) => {
          expect(maxRelativeError(parallel?.[i] as Float32Array, s), `${name} #${i}`).toBeLessThan(
            1e-5,
          );
        });
      }
    } finally {
      expect(replaceWasmThreadPool(2)).toBe(2);
    }
  });

  it('keeps the tensor count constant across Adam steps on 2 threads', () => {
    const encoder = new ConvEncoder({ name: 'enc', seed: 1 });
    const vars = encoder.trainableVariables();
    const adam = new Adam({ lr: 1e-3 });
    const images = uniform([2, 64, 64, 3], 2);
    const lossFn = () => tf.mean(tf.square(encoder.apply(images)));
    adam.step(lossFn, vars);
    const count = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) adam.step(lossFn, vars);
    expect(tf.memory().numTensors).toBe(count);
    images.dispose();
    adam.dispose();
    for (const v of vars) v.dispose();
  });

  it('adds no worker handle that would keep Node alive (the process can exit)', () => {
    expect(liveWorkerHandles()).toBe(handlesBefore);
  });

  it('rejects thread counts outside 1..8 with the allowed values', () => {
    expect(() => parseWasmThreads('0', undefined)).toThrow(
      /VMBRL_WASM_THREADS='0': allowed values are an integer from 1 .* to 8, or 'auto'/,
    );
    expect(() => parseWasmThreads(undefined, 2.5)).toThrow(/wasmThreads 2.5/);
    expect(parseWasmThreads(' 3 ', 2)).toBe(3);
    expect(parseWasmThreads(undefined, 2)).toBe(2);
    expect(parseWasmThreads('', undefined)).toBeUndefined();
  });

  it('refuses to change the thread count of a running backend', async () => {
    await expect(initBackend({ wasmThreads: 3 })).rejects.toThrow(
      /already running on 2 thread\(s\); cannot switch to 3/,
    );
    await expect(initBackend({ wasmThreads: 2 })).resolves.toBe('wasm');
  });
});
