import { initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvLSTMCell, LSTMCell, SpatialLayerNorm } from './cells.js';
import { splitChannels } from './channels.js';

beforeAll(async () => {
  await initBackend();
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function set(vars: Map<string, tf.Variable>, name: string, values: (v: tf.Variable) => tf.Tensor) {
  const v = vars.get(name);
  if (!v) throw new Error(`no variable ${name}; have ${[...vars.keys()]}`);
  v.assign(values(v));
}

describe('LSTMCell', () => {
  it('with zero weights and a bias of 1 on the candidate: c = sigma(1) c + tanh(1) / 2', () => {
    const cell = new LSTMCell(2, 3, { name: 'lstm', seed: 1 });
    const vars = cell.namedVariables();
    set(vars, 'lstm/gates/kernel', (v) => tf.zerosLike(v));
    // Gate order i, j, f, o: the bias of j (units 3..5) is 1.
    set(vars, 'lstm/gates/bias', () => tf.tensor1d([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]));
    const state = { h: tf.zeros([1, 3]) as tf.Tensor2D, c: tf.tensor2d([[1, -2, 0]]) };
    const next = cell.apply(tf.ones([1, 2]) as tf.Tensor2D, state);
    const c = [1, -2, 0].map((c0) => sigmoid(1) * c0 + 0.5 * Math.tanh(1));
    Array.from(next.c.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(c[i] as number, 5));
    Array.from(next.h.dataSync()).forEach((v, i) =>
      expect(v).toBeCloseTo(0.5 * Math.tanh(c[i] as number), 5),
    );
  });
});

describe('ConvLSTMCell', () => {
  it('with a 1 x 1 kernel equals the dense LSTM cell applied at every pixel', () => {
    const lstm = new LSTMCell(3, 2, { name: 'lstm', seed: 4 });
    const conv = new ConvLSTMCell(3, 2, 1, { name: 'conv', seed: 5 });
    const dense = lstm.namedVariables();
    const kernel = dense.get('lstm/gates/kernel') as tf.Variable; // [3 + 2, 8]
    const bias = dense.get('lstm/gates/bias') as tf.Variable;
    set(dense, 'lstm/gates/bias', () => tf.randomNormal([8], 0, 1, 'float32', 6));
    const convVars = conv.namedVariables();
    set(convVars, 'conv/input/kernel', () =>
      tf.reshape(tf.slice(kernel, [0, 0], [3, 8]), [1, 1, 3, 8]),
    );
    set(convVars, 'conv/recurrent/kernel', () =>
      tf.reshape(tf.slice(kernel, [3, 0], [2, 8]), [1, 1, 2, 8]),
    );
    set(convVars, 'conv/input/bias', () => bias.clone());
    set(convVars, 'conv/recurrent/bias', (v) => tf.zerosLike(v));
    const x = tf.randomNormal([2, 3, 3, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const h = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 8) as tf.Tensor4D;
    const c = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 9) as tf.Tensor4D;
    const ours = conv.apply(x, { h, c });
    const flat = (t: tf.Tensor, d: number) => tf.reshape(t, [-1, d]) as tf.Tensor2D;
    const reference = lstm.apply(flat(x, 3), { h: flat(h, 2), c: flat(c, 2) });
    const close = (a: tf.Tensor, b: tf.Tensor) =>
      expect(tf.max(tf.abs(tf.sub(flat(a, 2), b))).dataSync()[0]).toBeLessThan(1e-5);
    close(ours.h, reference.h);
    close(ours.c, reference.c);
  });
});

describe('SpatialLayerNorm', () => {
  it('normalises each sample over height, width and channels, then scales per channel', () => {
    const norm = new SpatialLayerNorm(2, { name: 'ln' });
    set(norm.namedVariables(), 'ln/gamma', () => tf.tensor1d([1, 2]));
    set(norm.namedVariables(), 'ln/beta', () => tf.tensor1d([0, 10]));
    // One sample, 1 x 2 pixels, 2 channels: values 1, 2, 3, 4 (mean 2.5, variance 1.25).
    const out = norm.apply(tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2])).dataSync();
    const z = [1, 2, 3, 4].map((v) => (v - 2.5) / Math.sqrt(1.25 + 1e-5));
    const expected = [z[0], 2 * (z[1] as number) + 10, z[2], 2 * (z[3] as number) + 10];
    Array.from(out).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 4));
  });
});

describe('splitChannels', () => {
  it('equals slicing the last axis, for equal and unequal parts', () => {
    const x = tf.randomNormal([2, 3, 4, 6], 0, 1, 'float32', 1) as tf.Tensor4D;
    for (const sizes of [
      [2, 2, 2],
      [1, 1, 4],
      [3, 3],
    ]) {
      const parts = splitChannels(x, sizes);
      let start = 0;
      sizes.forEach((size, i) => {
        const expected = tf.slice(x, [0, 0, 0, start], [-1, -1, -1, size]);
        expect((parts[i] as tf.Tensor).shape).toEqual(expected.shape);
        expect(Array.from((parts[i] as tf.Tensor).dataSync())).toEqual(
          Array.from(expected.dataSync()),
        );
        start += size;
      });
    }
    expect(() => splitChannels(x, [2, 2])).toThrow(/do not add up to 6/);
  });
});
