import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOriginalKernel, initBackend, tf } from '../index.js';
import { Rng } from '../random.js';
import { KERNEL_GROUPS, setWasmKernels } from './wasm/backend-kernels.js';

function randomValues(shape: number[], rng: Rng): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

function product(
  backend: string,
  a: { v: Float32Array; s: number[] },
  b: { v: Float32Array; s: number[] },
  tA: boolean,
  tB: boolean,
) {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const out = tf.matMul(tf.tensor(a.v, a.s), tf.tensor(b.v, b.s), tA, tB);
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

// The fallback of our GEMM (wasm/gemm.c): XNNPACK's 2-D product with explicit transposes.
describe('wasm BatchMatMul with transposes', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
    setWasmKernels(KERNEL_GROUPS.filter((g) => g !== 'gemm'));
  });
  afterAll(() => setWasmKernels(KERNEL_GROUPS));

  it('replaces the wasm kernel (the original is kept)', () => {
    expect(getOriginalKernel('BatchMatMul', 'wasm')).toBeDefined();
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).not.toBe(
      getOriginalKernel('BatchMatMul', 'wasm')?.kernelFunc,
    );
  });

  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[40, 3], [40, 50], true, false], // small A, big B: transpose A
    [[2, 30], [60, 30], false, true], // small A, big B transposed: solve C^T
    [[4, 5, 7], [4, 7, 3], false, false],
    [[4, 7, 5], [4, 3, 7], true, true],
    [[2, 3, 5, 7], [7, 6], false, false],
    [[5, 7], [2, 6, 7], false, true],
  ];
  for (const [sa, sb, tA, tB] of cases) {
    it(`matches cpu for [${sa}] x [${sb}] transposeA=${tA} transposeB=${tB}`, () => {
      const rng = new Rng(sa.length * 100 + sb.length);
      const a = { v: randomValues(sa, rng), s: sa };
      const b = { v: randomValues(sb, rng), s: sb };
      const onCpu = product('cpu', a, b, tA, tB);
      const before = tf.memory().numTensors;
      const onWasm = product('wasm', a, b, tA, tB);
      expect(tf.memory().numTensors).toBe(before);
      expect(onWasm.shape).toEqual(onCpu.shape);
      onWasm.values.forEach((v, i) => expect(v).toBeCloseTo(onCpu.values[i] as number, 4));
    });
  }
});
