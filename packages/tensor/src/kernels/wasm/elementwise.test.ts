import { beforeAll, describe, expect, it } from 'vitest';
import { GRUCell, initBackend, isFastKernel, tf } from '../../index.js';
import { Rng } from '../../random.js';
import { KERNEL_GROUPS, type KernelGroup, setWasmKernels } from './backend-kernels.js';
import { GRU_STEP_KERNEL } from './gru.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false, wasmThreads: 1 });
});

/** f on wasm with our kernels on (all, none, or the listed groups) as float64 numbers. */
function onWasm(f: () => tf.Tensor, ours: boolean | KernelGroup[] = true): Float64Array {
  setWasmKernels(ours === true ? KERNEL_GROUPS : ours === false ? [] : ours);
  try {
    return Float64Array.from(tf.tidy(() => f().dataSync() as Float32Array));
  } finally {
    setWasmKernels(KERNEL_GROUPS);
  }
}

/** Float32 inputs: a fine grid over [-limit, limit], then special values. */
function inputs(limit: number): Float32Array {
  const grid = Array.from({ length: 20001 }, (_, i) => Math.fround(-limit + (i * limit) / 10000));
  const special = [0, -0, 1e-30, -1e-30, 1e-8, -1e-8, 0.625, -0.625, 9, -9, 88, -88, 200, -200];
  return Float32Array.from([
    ...grid,
    ...special,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NaN,
  ]);
}

/** Largest |got - want| / max(|want|, floor) over the inputs, in units of float32 epsilon. */
function worstError(
  got: Float64Array,
  want: (x: number) => number,
  xs: Float32Array,
  floor: number,
) {
  let worst = 0;
  xs.forEach((x, i) => {
    const w = want(x);
    const g = got[i] as number;
    if (Number.isNaN(w)) {
      expect(g, `f(${x})`).toBeNaN();
      return;
    }
    if (!Number.isFinite(w)) {
      expect(g, `f(${x})`).toBe(w);
      return;
    }
    worst = Math.max(worst, Math.abs(g - w) / Math.max(Math.abs(w), floor) / 2 ** -23);
  });
  return worst;
}

describe('our unary kernels on wasm', () => {
  it('replace Tanh, Softplus, Tile and Sum and add the fused GRU step', () => {
    for (const name of ['Tanh', 'Softplus', 'Tile', 'Sum', GRU_STEP_KERNEL]) {
      expect(isFastKernel(name, 'wasm'), name).toBe(true);
    }
  });

  it('tanh is within 4 float32 ulps of the exact value, ±1 beyond 9, NaN for NaN', () => {
    const xs = inputs(12);
    const got = onWasm(() => tf.tanh(tf.tensor1d(xs)));
    // Relative error; below 2^-126 (subnormal) the error is taken relative to 2^-126.
    expect(worstError(got, Math.tanh, xs, 2 ** -126)).toBeLessThanOrEqual(4);
    expect(got[xs.indexOf(Number.POSITIVE_INFINITY)]).toBe(1);
    expect(Object.is(got[xs.findIndex((x) => Object.is(x, -0))], -0)).toBe(true);
  });

  it('softplus follows the thresholds of tfjs and is within 4 ulps elsewhere', () => {
    const xs = inputs(30);
    const got = onWasm(() => tf.softplus(tf.tensor1d(xs)));
    // tfjs: x above 13.94 -> x, below -13.94 -> e^x, else log(1 + e^x).
    const threshold = Math.log(2 ** -23) + 2;
    const want = (x: number) =>
      x > -threshold ? x : x < threshold ? Math.exp(x) : Math.log1p(Math.exp(x));
    expect(worstError(got, want, xs, 2 ** -126)).toBeLessThanOrEqual(4);
    expect(got[xs.indexOf(-200)]).toBe(0);
  });

  it('agree with the tfjs kernels they replace to a few ulps, gradients included', () => {
    const x = tf.randomNormal([64, 50], 0, 3, 'float32', 4);
    const f = () => {
      const [dt, ds] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.add(tf.sum(tf.tanh(a)), tf.sum(tf.softplus(b))),
      )([x, x]) as [tf.Tensor, tf.Tensor];
      return tf.concat([tf.tanh(x), tf.softplus(x), dt, ds].map((t) => t.reshape([-1])));
    };
    const ours = onWasm(f);
    const theirs = onWasm(f, false);
    ours.forEach((v, i) => expect(Math.abs(v - (theirs[i] as number))).toBeLessThan(3e-6));
    x.dispose();
  });
});

describe('our Tile on wasm', () => {
  it('copies whole tensors along the first axis exactly like tfjs, other tilings unchanged', () => {
    const x = tf.tensor3d(
      Float32Array.from({ length: 24 }, (_, i) => i - 7.5),
      [2, 3, 4],
    );
    const b = tf.tensor2d([true, false, true, true, false, true], [2, 3], 'bool');
    const cases = [
      () => tf.tile(x, [5, 1, 1]),
      () => tf.tile(x, [1, 1, 1]),
      () => tf.tile(x, [2, 3, 1]),
      () => tf.tile(x.slice([0], [1]), [1000, 1, 1]),
      () => tf.tile(b, [3, 1]).cast('float32'),
      () => tf.tile(tf.tensor2d([[1, 2]], [1, 2], 'int32'), [7, 1]).cast('float32'),
    ];
    for (const f of cases) {
      const before = tf.memory().numTensors;
      expect(Array.from(onWasm(f))).toEqual(Array.from(onWasm(f, false)));
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([x, b]);
  });
});

describe('our Sum over leading axes on wasm', () => {
  it('sums like tfjs within float rounding and leaves other reductions to tfjs', () => {
    const x = tf.randomNormal([16, 7, 9, 33], 0, 1, 'float32', 8);
    const cases = [
      () => tf.sum(x, [0, 1, 2]),
      () => tf.sum(x, [2, 0, 1], true),
      () => tf.sum(x, 0),
      () => tf.sum(x, [-4, -3]),
      () => tf.sum(x), // all axes: tfjs' kernel
      () => tf.sum(x, [1, 2]), // not leading: tfjs' kernel
    ];
    // Sums of up to 16 * 7 * 9 = 1008 N(0, 1) terms, in another order than tfjs' (which
    // accumulates in several partial sums): rounding differences of order 1e-7 * 1008.
    for (const f of cases) {
      const theirs = onWasm(f, false);
      onWasm(f).forEach((v, i) => expect(Math.abs(v - (theirs[i] as number))).toBeLessThan(1e-3));
    }
    const before = tf.memory().numTensors;
    expect(tf.tidy(() => tf.sum(x, [0, 1, 2], true).shape)).toEqual([1, 1, 1, 33]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('the fused GRU step', () => {
  const cell = new GRUCell(37, 50, { name: 'gru', seed: 3 });
  const rng = new Rng(5);
  const values = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const rows = 130;
  const x = tf.tensor2d(values(rows * 37), [rows, 37]);
  const h = tf.tensor2d(values(rows * 50), [rows, 50]);
  // The other groups stay on, so the only difference is the fused step.
  const withoutGru = KERNEL_GROUPS.filter((g) => g !== 'gru');

  it('gives the layer tfjs ops result within a few ulps of sigmoid and tanh', () => {
    const fused = onWasm(() => cell.apply(x, h));
    const ops = onWasm(() => cell.apply(x, h), withoutGru);
    let worst = 0;
    fused.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - (ops[i] as number)));
    });
    expect(worst).toBeLessThan(2e-6);
    expect(worst).toBeGreaterThan(0); // the two paths are distinct computations
  });

  it('runs only when no gradient is recorded, so gradients stay tfjs ops', () => {
    const before = tf.memory().numTensors;
    const grad = (groups: KernelGroup[]) =>
      onWasm(() => tf.grad((hi: tf.Tensor) => tf.sum(cell.apply(x, hi)))(h), groups);
    expect(Array.from(grad([...KERNEL_GROUPS]))).toEqual(Array.from(grad(withoutGru)));
    expect(tf.memory().numTensors).toBe(before);
  });
});
