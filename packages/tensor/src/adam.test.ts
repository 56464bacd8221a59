import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, initBackend, tf } from './index.js';

/** Adam in plain JS, TensorFlow's formulation, with clip_by_global_norm. */
function referenceAdam(
  x0: number[],
  grad: (x: number[]) => number[],
  steps: number,
  opts: { lr: number; eps: number; clipNorm: number; warmup?: number },
) {
  let x = [...x0];
  const m = x.map(() => 0);
  const v = x.map(() => 0);
  const norms: number[] = [];
  for (let t = 1; t <= steps; t++) {
    const g = grad(x);
    const norm = Math.sqrt(g.reduce((a, b) => a + b * b, 0));
    norms.push(norm);
    const scale = opts.clipNorm / Math.max(norm, opts.clipNorm);
    const warm = opts.warmup ? Math.min(1, t / opts.warmup) : 1;
    const lrT = (warm * opts.lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
    x = x.map((xi, i) => {
      const gi = (g[i] as number) * scale;
      m[i] = 0.9 * (m[i] as number) + 0.1 * gi;
      v[i] = 0.999 * (v[i] as number) + 0.001 * gi * gi;
      return xi - (lrT * (m[i] as number)) / (Math.sqrt(v[i] as number) + opts.eps);
    });
  }
  return { x, norms };
}

describe('Adam', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });

  it('first step by hand: x=[1,-2], loss=sum x^2 -> grad [2,-4], norm sqrt(20), clipped to 1', () => {
    const x = tf.variable(tf.tensor1d([1, -2]));
    const adam = new Adam({ lr: 0.1, eps: 1e-4, clipNorm: 1 });
    const { loss, gradNorm } = adam.step(() => tf.sum(tf.square(x)), [x]);
    expect(loss).toBeCloseTo(5, 6);
    expect(gradNorm).toBeCloseTo(Math.sqrt(20), 5);
    // Step 1: m = 0.1 g, v = 0.001 g^2, lr_t = 0.1 sqrt(0.001) / 0.1, g = [2,-4]/sqrt(20).
    const g = [2 / Math.sqrt(20), -4 / Math.sqrt(20)];
    const lrT = (0.1 * Math.sqrt(0.001)) / 0.1;
    const expected = [1, -2].map((xi, i) => {
      const gi = g[i] as number;
      return xi - (lrT * 0.1 * gi) / (Math.sqrt(0.001 * gi * gi) + 1e-4);
    });
    const got = Array.from(x.dataSync());
    got.forEach((xi, i) => expect(xi).toBeCloseTo(expected[i] as number, 6));
    x.dispose();
    adam.dispose();
  });

  it('matches a plain-JS Adam over 25 steps of a quadratic, and leaks no tensors', () => {
    const target = [0.5, -1.5, 3];
    const x = tf.variable(tf.tensor1d([2, 1, -1]));
    const t = tf.tensor1d(target);
    const adam = new Adam({ lr: 0.05, eps: 1e-8, clipNorm: 2 });
    const lossFn = () => tf.sum(tf.square(tf.sub(x, t))) as tf.Scalar;
    adam.step(lossFn, [x]);
    const afterFirst = tf.memory().numTensors;
    const norms = [];
    for (let i = 1; i < 25; i++) norms.push(adam.step(lossFn, [x]).gradNorm);
    expect(tf.memory().numTensors).toBe(afterFirst);
    const ref = referenceAdam(
      [2, 1, -1],
      (xs) => xs.map((xi, i) => 2 * (xi - (target[i] as number))),
      25,
      {
        lr: 0.05,
        eps: 1e-8,
        clipNorm: 2,
      },
    );
    Array.from(x.dataSync()).forEach((xi, i) => expect(xi).toBeCloseTo(ref.x[i] as number, 4));
    norms.forEach((n, i) => expect(n).toBeCloseTo(ref.norms[i + 1] as number, 4));
    expect(adam.iterations).toBe(25);
    x.dispose();
    t.dispose();
    adam.dispose();
  });

  it('warms the learning rate up linearly: step t moves by t / warmup of the plain step', () => {
    const start = [2, 1, -1];
    const target = tf.tensor1d([0.5, -1.5, 3]);
    const lossOf = (x: tf.Variable) => () => tf.sum(tf.square(tf.sub(x, target))) as tf.Scalar;
    // Step 1 alone, by hand: Adam's first step is lr * g / (|g| + eps / sqrt(0.001)) per
    // component, i.e. about lr * sign(g); with warmup 4 it is a quarter of that.
    const plain = tf.variable(tf.tensor1d(start));
    const warm = tf.variable(tf.tensor1d(start));
    const plainAdam = new Adam({ lr: 0.05, eps: 1e-8 });
    const warmAdam = new Adam({ lr: 0.05, eps: 1e-8, warmup: 4 });
    plainAdam.step(lossOf(plain), [plain]);
    warmAdam.step(lossOf(warm), [warm]);
    const moved = (x: tf.Variable) =>
      Array.from(x.dataSync()).map((xi, i) => xi - (start[i] as number));
    // g = 2 (x - target) = (3, 5, -8): plain moves by -0.05 sign(g), warm by -0.0125 sign(g).
    moved(plain).forEach((d, i) => expect(d).toBeCloseTo([-0.05, -0.05, 0.05][i] as number, 6));
    moved(warm).forEach((d, i) =>
      expect(d).toBeCloseTo([-0.0125, -0.0125, 0.0125][i] as number, 6),
    );
    // Ten more steps match the plain-JS Adam with the same warm-up (steps 4.. at the full rate).
    for (let i = 1; i < 11; i++) warmAdam.step(lossOf(warm), [warm]);
    const ref = referenceAdam(start, (xs) => xs.map((xi, i) => 2 * (xi - [0.5, -1.5, 3][i]!)), 11, {
      lr: 0.05,
      eps: 1e-8,
      clipNorm: 1e9,
      warmup: 4,
    });
    Array.from(warm.dataSync()).forEach((xi, i) => expect(xi).toBeCloseTo(ref.x[i] as number, 4));
    expect(() => new Adam({ lr: 0.1, warmup: 1.5 })).toThrow(/Adam: warmup = 1.5 is invalid/);
    for (const t of [plain, warm, target]) t.dispose();
    plainAdam.dispose();
    warmAdam.dispose();
  });

  it('round-trips its state and rejects mismatched variable lists', () => {
    const x = tf.variable(tf.tensor1d([1, 2]));
    const adam = new Adam({ lr: 0.01 });
    adam.step(() => tf.sum(tf.square(x)), [x]);
    const state = adam.getState();
    const copy = new Adam({ lr: 0.01 });
    copy.setState(state);
    const y = tf.variable(x.clone());
    adam.step(() => tf.sum(tf.square(x)), [x]);
    copy.step(() => tf.sum(tf.square(y)), [y]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    const z = tf.variable(tf.zeros([3]));
    expect(() => adam.step(() => tf.sum(z), [z])).toThrow(/shape \[3\] but its moments \[2\]/);
    expect(() => new Adam({ lr: -1 })).toThrow(
      /Adam: lr = -1 is invalid; allowed: a finite number > 0/,
    );
    for (const s of [...state.m, ...state.v]) s.dispose();
    for (const v of [x, y, z]) v.dispose();
  });
});

describe('Adam.applyGradients', () => {
  it('applies externally computed gradients exactly like step()', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const a = tf.variable(tf.tensor1d([1, -2]));
    const b = tf.variable(tf.tensor1d([1, -2]));
    const viaStep = new Adam({ lr: 0.1, clipNorm: 1 });
    const viaApply = new Adam({ lr: 0.1, clipNorm: 1 });
    for (let i = 0; i < 3; i++) {
      const { gradNorm } = viaStep.step(() => tf.sum(tf.square(a)) as tf.Scalar, [a]);
      const grad = tf.tidy(() => tf.mul(b, 2)); // d/db sum(b^2)
      expect(viaApply.applyGradients([grad], [b]).gradNorm).toBeCloseTo(gradNorm, 5);
      grad.dispose();
    }
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const wrong = tf.zeros([3]);
    expect(() => viaApply.applyGradients([wrong], [b])).toThrow(
      /gradient 0 has shape \[3\] but its variable \[2\]/,
    );
    for (const x of [a, b, wrong]) x.dispose();
  });

  it('keeps only its two moments per variable when called outside tf.tidy', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const x = tf.variable(tf.tensor1d([1, -2]));
    const grad = tf.tensor1d([2, -4]);
    const adam = new Adam({ lr: 0.1 });
    const before = tf.memory().numTensors;
    adam.applyGradients([grad], [x]);
    expect(tf.memory().numTensors).toBe(before + 2); // m and v
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const t of [x, grad]) t.dispose();
  });
});
