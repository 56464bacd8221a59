import { beforeAll, describe, expect, it } from 'vitest';
import { ConvDecoder, ConvEncoder, Dense, GRUCell, MLP, initBackend, tf } from '../index.js';

function values(t: tf.Tensor): number[] {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('layers', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });

  it('Dense computes act(x W + b) with stable names and seeded init', () => {
    const dense = new Dense(2, 3, { activation: 'relu', name: 'd', seed: 1 });
    expect([...dense.namedVariables().keys()]).toEqual(['d/kernel', 'd/bias']);
    dense.kernel.assign(
      tf.tensor2d([
        [1, -1, 2],
        [0.5, 1, -3],
      ]),
    );
    dense.bias.assign(tf.tensor1d([0, 0.5, 1]));
    // x = [2, 4]: [2 + 2, -2 + 4 + 0.5, 4 - 12 + 1] = [4, 2.5, -7] -> relu
    expect(values(dense.apply(tf.tensor2d([[2, 4]])))).toEqual([4, 2.5, 0]);
    expect(dense.apply(tf.zeros([5, 7, 2])).shape).toEqual([5, 7, 3]);
    const same = new Dense(2, 3, { seed: 1 });
    const other = new Dense(2, 3, { seed: 2 });
    const fresh = new Dense(2, 3, { activation: 'relu', name: 'd', seed: 1 });
    expect(values(same.kernel.clone())).toEqual(values(fresh.kernel.clone()));
    expect(values(other.kernel.clone())).not.toEqual(values(fresh.kernel.clone()));
    const limit = Math.sqrt(6 / 5);
    for (const w of values(fresh.kernel.clone())) expect(Math.abs(w)).toBeLessThanOrEqual(limit);
    expect(() => new Dense(2, 3, { activation: 'gelu' as never })).toThrow(
      /allowed: relu, elu, tanh, linear, swish/,
    );
    expect(() => dense.apply(tf.zeros([1, 3]))).toThrow(
      /expected input \[\.\.\., 2\], got \[1,3\]/,
    );
  });

  it('layer norm normalises over the last axis before the activation', () => {
    const dense = new Dense(3, 4, { layerNorm: true, name: 'n', seed: 3 });
    expect([...dense.namedVariables().keys()]).toEqual([
      'n/kernel',
      'n/bias',
      'n/ln/gamma',
      'n/ln/beta',
    ]);
    const y = dense.apply(
      tf.tensor2d([
        [1, 2, 3],
        [-4, 0.5, 2],
      ]),
    );
    const rows = [values(y.slice([0, 0], [1, 4])), values(y.slice([1, 0], [1, 4]))];
    y.dispose();
    for (const row of rows) {
      const mean = row.reduce((a, b) => a + b, 0) / 4;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 3);
    }
  });

  it('MLP stacks hidden layers h0.. and a linear output layer', () => {
    const mlp = new MLP(5, [8, 8], 2, { activation: 'elu', layerNorm: true, name: 'q', seed: 4 });
    expect([...mlp.namedVariables().keys()]).toEqual([
      'q/h0/kernel',
      'q/h0/bias',
      'q/h0/ln/gamma',
      'q/h0/ln/beta',
      'q/h1/kernel',
      'q/h1/bias',
      'q/h1/ln/gamma',
      'q/h1/ln/beta',
      'q/out/kernel',
      'q/out/bias',
    ]);
    expect(mlp.apply(tf.ones([3, 5])).shape).toEqual([3, 2]);
    expect(mlp.parameterCount()).toBe(5 * 8 + 8 + 16 + 8 * 8 + 8 + 16 + 8 * 2 + 2);
  });

  it('GRUCell follows the TF1 GRU equations (computed by hand for 1 input, 1 unit)', () => {
    const gru = new GRUCell(1, 1, { name: 'g', seed: 5 });
    // gates kernel rows [x, h] -> [reset, update]; candidate kernel rows [x, r*h].
    gru.gateKernel.assign(
      tf.tensor2d([
        [0.5, -1],
        [2, 0.25],
      ]),
    );
    gru.gateBias.assign(tf.tensor1d([1, 1]));
    gru.candidateKernel.assign(tf.tensor2d([[1.5], [-0.7]]));
    gru.candidateBias.assign(tf.tensor1d([0.1]));
    const x = 0.8;
    const h = -0.6;
    const r = sigmoid(0.5 * x + 2 * h + 1);
    const u = sigmoid(-1 * x + 0.25 * h + 1);
    const c = Math.tanh(1.5 * x - 0.7 * r * h + 0.1);
    const expected = u * h + (1 - u) * c;
    expect(values(gru.apply(tf.tensor2d([[x]]), tf.tensor2d([[h]])))[0]).toBeCloseTo(expected, 6);
    const big = new GRUCell(30, 200, { seed: 1 });
    expect(big.apply(tf.ones([4, 30]), big.initialState(4)).shape).toEqual([4, 200]);
  });

  it('ConvEncoder maps [N,64,64,3] to [N,1024] with the PlaNet layer sizes', () => {
    const encoder = new ConvEncoder({ name: 'enc', seed: 6 });
    expect(encoder.outDim).toBe(1024);
    const out = encoder.apply(tf.zeros([2, 64, 64, 3]));
    expect(out.shape).toEqual([2, 1024]);
    out.dispose();
    const seq = encoder.apply(tf.zeros([2, 3, 64, 64, 3]));
    expect(seq.shape).toEqual([2, 3, 1024]);
    seq.dispose();
    // 4x4 kernels 3->32->64->128->256 with biases.
    const expected =
      [3 * 32, 32 * 64, 64 * 128, 128 * 256].reduce((n, k) => n + 16 * k, 0) + 32 + 64 + 128 + 256;
    expect(encoder.parameterCount()).toBe(expected);
    expect(() => encoder.apply(tf.zeros([1, 32, 32, 3]))).toThrow(
      /expected images \[\.\.\., 64, 64, 3\]/,
    );
  });

  it('ConvDecoder maps [N,D] to [N,64,64,3]; its dense first stage equals the 1x1 deconv', () => {
    const decoder = new ConvDecoder(230, { name: 'dec', seed: 7 });
    const out = decoder.apply(tf.randomNormal([2, 230], 0, 1, 'float32', 1));
    expect(out.shape).toEqual([2, 64, 64, 3]);
    out.dispose();
    expect([...decoder.namedVariables().keys()].slice(0, 4)).toEqual([
      'dec/deconv0/kernel',
      'dec/deconv0/bias',
      'dec/dense/kernel',
      'dec/dense/bias',
    ]);
    tf.tidy(() => {
      // conv2dTranspose of a 1x1 input with filter F [5,5,128,1024] == x @ reshape(F^T).
      const x = tf.randomNormal([3, 1024], 0, 1, 'float32', 2);
      const filter = tf.transpose(tf.reshape(decoder.firstKernel, [1024, 5, 5, 128]), [1, 2, 3, 0]);
      const viaDeconv = tf.conv2dTranspose(
        tf.reshape(x, [3, 1, 1, 1024]) as tf.Tensor4D,
        filter as tf.Tensor4D,
        [3, 5, 5, 128],
        2,
        'valid',
      );
      const viaDense = tf.reshape(tf.matMul(x, decoder.firstKernel), [3, 5, 5, 128]);
      const error = values(tf.max(tf.abs(tf.sub(viaDeconv, viaDense))))[0] as number;
      expect(error).toBeLessThan(1e-4);
    });
  });
});
