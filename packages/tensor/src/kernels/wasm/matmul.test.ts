import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getOriginalKernel, initBackend, isFastKernel, tf } from '../../index.js';
import { Rng } from '../../random.js';
import {
  KERNEL_GROUPS,
  setWasmKernels,
  wasmKernelGroups,
  wasmKernelsFor,
} from './backend-kernels.js';
import { WasmKernels, chooseSimd, relaxedSimdAvailable } from './engine.js';
import { type GemmCall, PARALLEL_MIN_FLOPS, splitCall } from './gemm-call.js';
import { expectClose } from './test-helpers.js';
import { KERNELS_SOURCE_SHA256 } from './wasm-binaries.js';

type Operand = { values: Float32Array; shape: number[] };

function operand(shape: number[], rng: Rng): Operand {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return { values, shape };
}

function tensor(x: Operand): tf.Tensor {
  return tf.tensor(x.values, x.shape);
}

/** Runs `f` on `backend` and returns its result's shape and values. */
function on(backend: string, f: () => tf.Tensor) {
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const out = f();
      return { shape: out.shape, values: out.dataSync() as Float32Array };
    });
  } finally {
    tf.setBackend('wasm');
  }
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false, wasmThreads: 1 });
});

describe('our GEMM as the wasm BatchMatMul and _FusedMatMul', () => {
  it('is registered for both kernel names and runs on this machine', () => {
    for (const name of ['BatchMatMul', '_FusedMatMul']) {
      expect(isFastKernel(name, 'wasm')).toBe(true);
      expect(getOriginalKernel(name, 'wasm')).toBeDefined();
    }
    expect(wasmKernelGroups()).toEqual([...KERNEL_GROUPS]);
    const engine = wasmKernelsFor(tf.backend());
    expect(engine).not.toBeNull();
    expect(engine?.simd).toBe(relaxedSimdAvailable() ? 'relaxed' : 'plain');
    expect(engine?.threads).toBe(1);
  });

  // [a shape, b shape, transposeA, transposeB]; sizes straddle the 4 x 8 tile, the 512-deep
  // K block, the 128-row A block, the 2048-wide B panel and the 16-row limit for reading B
  // in place.
  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[1, 1], [1, 1], false, false],
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[16, 33], [33, 40], false, false], // B read in place, full and partial slivers
    [[17, 33], [33, 41], false, false],
    [[130, 600], [600, 70], false, false], // two K blocks, two A blocks
    [[600, 130], [70, 600], true, true],
    [[9, 20], [20, 2100], false, false], // two B panels
    [[1000, 200], [200, 60], false, false], // the planner's prior head
    [[4, 5, 7], [4, 7, 3], false, false], // batched
    [[4, 7, 5], [4, 3, 7], true, true],
    [[2, 3, 5, 7], [7, 6], false, false], // b broadcast over a's batch
    [[5, 7], [2, 6, 7], false, true], // a broadcast over b's batch
  ];
  for (const [sa, sb, tA, tB] of cases) {
    it(`matches the cpu backend for [${sa}] x [${sb}], transposeA=${tA}, transposeB=${tB}`, () => {
      const rng = new Rng(sa.length * 1000 + sa[0] * 10 + sb[sb.length - 1]);
      const a = operand(sa, rng);
      const b = operand(sb, rng);
      const k = tA ? (sa[sa.length - 2] as number) : (sa[sa.length - 1] as number);
      const want = on('cpu', () => tf.matMul(tensor(a), tensor(b), tA, tB));
      const before = tf.memory().numTensors;
      const got = on('wasm', () => tf.matMul(tensor(a), tensor(b), tA, tB));
      expect(tf.memory().numTensors).toBe(before);
      expectClose(got, want, k);
    });
  }

  // tfjs' cpu kernel takes batch entry t of each operand modulo its batch size, which is
  // numpy broadcasting only when one side has batch 1; here the reference is slice by slice.
  const broadcasts: Array<[number[], number[], number[]]> = [
    [
      [2, 1, 4, 5],
      [3, 5, 6],
      [2, 3],
    ],
    [
      [1, 3, 4, 5],
      [2, 1, 5, 6],
      [2, 3],
    ],
  ];
  for (const [sa, sb, outBatch] of broadcasts) {
    it(`broadcasts batch dims like numpy: [${sa}] x [${sb}]`, () => {
      const rng = new Rng(sa[0] as number);
      const a = operand(sa, rng);
      const b = operand(sb, rng);
      const got = on('wasm', () => tf.matMul(tensor(a), tensor(b)));
      expect(got.shape).toEqual([...outBatch, 4, 6]);
      const want = on('cpu', () => {
        const at = tensor(a).reshape([-1, ...sa.slice(-2)]);
        const bt = tensor(b).reshape([-1, ...sb.slice(-2)]);
        const pick = (x: tf.Tensor, shape: number[], i: number, j: number) => {
          const batch = shape.slice(0, -2);
          const padded = [...new Array(2 - batch.length).fill(1), ...batch];
          const index = (padded[0] === 1 ? 0 : i) * padded[1] + (padded[1] === 1 ? 0 : j);
          return x.slice([index], [1]).reshape(shape.slice(-2));
        };
        const slices = [];
        for (let i = 0; i < (outBatch[0] as number); i++) {
          for (let j = 0; j < (outBatch[1] as number); j++) {
            slices.push(tf.matMul(pick(at, sa, i, j), pick(bt, sb, i, j)));
          }
        }
        return tf.stack(slices).reshape([...outBatch, 4, 6]);
      });
      expectClose(got, want, 5);
    });
  }

  const activations = ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu'] as const;
  for (const activation of activations) {
    it(`fuses bias + ${activation} like the cpu backend's fused matMul`, () => {
      const rng = new Rng(activation.length);
      // Scaled so that relu6 clips some outputs at 6 and some below 0.
      const a = operand([37, 300], rng);
      for (let i = 0; i < a.values.length; i++) a.values[i] = (a.values[i] as number) * 0.3;
      const b = operand([300, 21], rng);
      const bias = operand([21], rng);
      const alpha = operand([21], rng);
      const run = () =>
        tf.fused.matMul({
          a: tensor(a),
          b: tensor(b),
          bias: tensor(bias),
          activation,
          preluActivationWeights: activation === 'prelu' ? tensor(alpha) : undefined,
          leakyreluAlpha: 0.3,
        });
      expectClose(on('wasm', run), on('cpu', run), 300);
    });
  }

  it('fuses a transposed, batched product with a [1, n] bias, and one without bias', () => {
    const rng = new Rng(11);
    const a = operand([3, 40, 9], rng);
    const b = operand([3, 12, 40], rng);
    const bias = operand([1, 12], rng);
    const run = (withBias: boolean) => () =>
      tf.fused.matMul({
        a: tensor(a),
        b: tensor(b),
        transposeA: true,
        transposeB: true,
        bias: withBias ? tensor(bias) : undefined,
        activation: 'relu',
      });
    expectClose(on('wasm', run(true)), on('cpu', run(true)), 40);
    expectClose(on('wasm', run(false)), on('cpu', run(false)), 40);
  });

  it('gives the gradients of a dense layer like the cpu backend', () => {
    const rng = new Rng(3);
    const x = operand([64, 230], rng);
    const w = operand([230, 200], rng);
    const dy = operand([64, 200], rng);
    const grads = () => {
      const [dx, dw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) =>
        tf.sum(tf.mul(tf.relu(tf.matMul(xi, wi)), tensor(dy))),
      )([tensor(x), tensor(w)]) as [tf.Tensor, tf.Tensor];
      return tf.concat([dx.reshape([-1]), dw.reshape([-1])]);
    };
    expectClose(on('wasm', grads), on('cpu', grads), 200);
  });

  it('falls back to the previous kernels when turned off, with the same results', () => {
    const rng = new Rng(5);
    const a = operand([50, 70], rng);
    const b = operand([30, 70], rng);
    const ours = on('wasm', () => tf.matMul(tensor(a), tensor(b), false, true));
    setWasmKernels([]);
    try {
      const previous = on('wasm', () => tf.matMul(tensor(a), tensor(b), false, true));
      expectClose(previous, ours, 70);
    } finally {
      setWasmKernels(KERNEL_GROUPS);
    }
  });
});

describe('the GEMM engine', () => {
  /** C = A B on the engine with every operand copied into heap tensors. */
  function runEngine(engine: WasmKernels, a: Operand, b: Operand, m: number, k: number, n: number) {
    const backend = tf.backend() as unknown as {
      dataIdMap: { get(id: object): { memoryOffset: number } };
      makeOutput(shape: number[], dtype: string): tf.TensorInfo;
      disposeData(id: object): void;
    };
    return tf.tidy(() => {
      const at = tensor(a);
      const bt = tensor(b);
      const out = backend.makeOutput([m, n], 'float32');
      const offset = (id: object) => backend.dataIdMap.get(id).memoryOffset;
      engine.gemm({
        ...call(m, n, k),
        a: offset(at.dataId),
        b: offset(bt.dataId),
        c: offset(out.dataId),
      });
      const result = tf.engine().makeTensorFromTensorInfo(out);
      return { shape: result.shape, values: result.dataSync() as Float32Array };
    });
  }

  it('gives the cpu result with the plain and, where it runs, the relaxed SIMD build', () => {
    const heap = (tf.backend() as unknown as { wasm: never }).wasm;
    const rng = new Rng(9);
    const a = operand([45, 520], rng);
    const b = operand([520, 27], rng);
    const want = on('cpu', () => tf.matMul(tensor(a), tensor(b)));
    const builds = relaxedSimdAvailable() ? (['plain', 'relaxed'] as const) : (['plain'] as const);
    for (const simd of builds) {
      const engine = new WasmKernels(heap, simd, 1);
      try {
        expectClose(runEngine(engine, a, b, 45, 520, 27), want, 520);
      } finally {
        engine.dispose();
      }
    }
  });

  it('chooses the SIMD build from VMBRL_WASM_SIMD and names the allowed values', () => {
    expect(chooseSimd('plain')).toBe('plain');
    expect(chooseSimd(undefined)).toBe(relaxedSimdAvailable() ? 'relaxed' : 'plain');
    expect(() => chooseSimd('avx')).toThrow(
      "Invalid VMBRL_WASM_SIMD='avx': allowed values are relaxed, plain, auto",
    );
  });

  function call(m: number, n: number, k: number, batch = 1): GemmCall {
    return {
      batch,
      m,
      n,
      k,
      a: 0,
      aBatch: m * k,
      aRs: k,
      aCs: 1,
      b: 0,
      bBatch: k * n,
      bRs: n,
      bCs: 1,
      c: 0,
      cBatch: m * n,
      ldc: n,
      bias: 64,
      act: 0,
      alpha: 0,
    };
  }

  it('splits a product for threads into batch entries or row blocks, never columns', () => {
    // Small products stay whole.
    expect(splitCall(call(10, 10, 10), 2)).toHaveLength(1);
    expect(2 * 1000 * 400 * 400).toBeGreaterThan(PARALLEL_MIN_FLOPS);
    const byBatch = splitCall(call(100, 200, 300, 3), 2);
    expect(byBatch.map((p) => [p.batch, p.a, p.b, p.c])).toEqual([
      [2, 0, 0, 0],
      [1, 4 * 2 * 100 * 300, 4 * 2 * 300 * 200, 4 * 2 * 100 * 200],
    ]);
    // Rows: aligned to the 4-row tile, the second part starts 504 rows (and A rows) later.
    const byRows = splitCall(call(1001, 400, 400), 2);
    expect(byRows.map((p) => [p.m, p.a, p.c])).toEqual([
      [504, 0, 0],
      [497, 4 * 504 * 400, 4 * 504 * 400],
    ]);
    // Too few rows to split (8 rows: a dense layer on a batch of states): stays whole.
    expect(2 * 8 * 1000 * 1000).toBeGreaterThan(PARALLEL_MIN_FLOPS);
    expect(splitCall(call(8, 1000, 1000), 2)).toHaveLength(1);
  });
});

describe('the committed wasm builds', () => {
  it('were compiled from the current C sources (else run pnpm build:wasm)', () => {
    const hash = createHash('sha256');
    for (const file of [
      'gemm.c',
      'conv.c',
      'conv_direct.c',
      'unary.c',
      'gru.c',
      'simd.h',
      'gemm.h',
    ]) {
      hash.update(readFileSync(new URL(`./${file}`, import.meta.url)));
    }
    expect(hash.digest('hex')).toBe(KERNELS_SOURCE_SHA256);
  });
});
