import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../index.js';
import { Rng } from '../../random.js';
import {
  conv2dDirectOnWasm,
  conv2dInputGradDirectOnWasm,
  smallConvOnWasm,
  smallConvOnXnnpack,
} from './conv-direct.js';
import { expectClose } from './test-helpers.js';

/**
 * conv_direct.c against the cpu backend's convolutions on the same inputs: strides, 'same',
 * 'valid' and explicit padding, odd sizes, 1-8 channels (every output-channel group of 1-4),
 * batches > 1, fused bias and activations, and transposed convolutions whose phases have no
 * taps at all (stride 3, kernel 2).
 */

type Operand = { values: Float32Array; shape: number[] };
type Out = { shape: number[]; values: Float32Array };

function operand(shape: number[], rng: Rng): Operand {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return { values, shape };
}

/** Values of f on `backend` from the very same inputs. */
function on(backend: string, inputs: Operand[], f: (...t: tf.Tensor[]) => tf.Tensor): Out {
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const out = f(...inputs.map(({ values, shape }) => tf.tensor(values, shape)));
      return { shape: out.shape, values: out.dataSync() as Float32Array };
    });
  } finally {
    tf.setBackend('wasm');
  }
}

/** Runs one of our kernel functions on wasm tensors and returns its output as a tensor. */
function kernel(
  f: (args: never) => tf.TensorInfo | undefined,
  inputs: Record<string, tf.Tensor>,
  attrs: object,
): tf.Tensor {
  const info = f({ inputs, backend: tf.backend(), attrs } as never);
  if (!info) throw new Error('the direct kernel declined');
  return tf.engine().makeTensorFromTensorInfo(info);
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false, wasmThreads: 1 });
});

type Pad = 'valid' | 'same' | number[][];
// x, filter, strides, pad, dilations
const convCases: Array<[number[], number[], number | [number, number], Pad, [number, number]]> = [
  [[2, 9, 9, 3], [3, 3, 3, 5], 1, 'valid', [1, 1]],
  [[3, 10, 13, 2], [5, 5, 2, 8], 1, 'same', [1, 1]],
  [[2, 11, 12, 4], [3, 4, 4, 7], [1, 2], 'same', [1, 1]],
  [[2, 17, 15, 1], [5, 5, 1, 3], 2, 'same', [1, 1]],
  [[1, 9, 9, 6], [3, 3, 6, 1], 1, 'valid', [2, 1]],
  [[2, 8, 8, 8], [1, 1, 8, 6], 1, 'same', [1, 1]],
  [[2, 37, 41, 7], [3, 3, 7, 2], 1, 'same', [1, 1]],
  [[3, 10, 11, 1], [5, 5, 1, 25], 1, 'same', [1, 1]],
  [
    [1, 7, 8, 6],
    [2, 3, 6, 4],
    1,
    [
      [0, 0],
      [2, 1],
      [0, 3],
      [0, 0],
    ],
    [1, 1],
  ],
];

describe('conv2d_direct (few-channel Conv2D vectorised over output columns)', () => {
  for (const [xs, fs, strides, pad, dilations] of convCases) {
    it(`matches the cpu backend: x [${xs}], filter [${fs}], strides ${strides}, pad ${JSON.stringify(pad)}, dilations ${dilations}`, () => {
      const rng = new Rng((xs[1] as number) * 7 + (fs[3] as number));
      const x = operand(xs, rng);
      const f = operand(fs, rng);
      const attrs = { strides, pad, dataFormat: 'NHWC', dilations };
      const before = tf.memory().numTensors;
      const got = on('wasm', [x, f], (xi, fi) =>
        kernel(
          (a) => conv2dDirectOnWasm(a, false),
          { x: xi as tf.Tensor, filter: fi as tf.Tensor },
          attrs,
        ),
      );
      const conv = (xi: tf.Tensor, fi: tf.Tensor) =>
        tf.conv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, strides, pad as 'valid', 'NHWC', dilations);
      // The registered Conv2D is this kernel at stride 1 with a window wider than 1 x 1 (at most
      // 8 in and 32 out channels), else tfjs' XNNPACK.
      const registered = on('wasm', [x, f], conv);
      expect(tf.memory().numTensors).toBe(before);
      const want = on('cpu', [x, f], conv);
      const k = (fs[0] as number) * (fs[1] as number) * (fs[2] as number);
      if (strides === 1 && (fs[0] as number) * (fs[1] as number) > 1) {
        expect(Buffer.from(registered.values.buffer).equals(Buffer.from(got.values.buffer))).toBe(
          true,
        );
      } else {
        expectClose(registered, want, k);
      }
      expectClose(got, want, k);
    });
  }

  for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'tanh'] as const) {
    it(`fuses bias + ${activation} like the cpu backend's fused conv2d`, () => {
      const rng = new Rng(activation.length + 60);
      const x = operand([3, 12, 11, 5], rng);
      for (let i = 0; i < x.values.length; i++) x.values[i] = (x.values[i] as number) * 0.4;
      const f = operand([3, 3, 5, 7], rng);
      const bias = operand([7], rng);
      const attrs = {
        strides: 1,
        pad: 'same',
        dataFormat: 'NHWC',
        activation,
        leakyreluAlpha: 0.3,
      };
      const got = on('wasm', [x, f, bias], (xi, fi, bi) =>
        kernel(
          (a) => conv2dDirectOnWasm(a, true),
          { x: xi as tf.Tensor, filter: fi as tf.Tensor, bias: bi as tf.Tensor },
          attrs,
        ),
      );
      const want = on('cpu', [x, f, bias], (xi, fi, bi) =>
        activation === 'tanh' // the cpu backend fuses no tanh
          ? tf.tanh(tf.add(tf.conv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, 1, 'same'), bi))
          : tf.fused.conv2d({
              x: xi as tf.Tensor4D,
              filter: fi as tf.Tensor4D,
              strides: 1,
              pad: 'same',
              bias: bi,
              activation,
              leakyreluAlpha: 0.3,
            }),
      );
      expectClose(got, want, 45);
    });
  }
});

// dy, filter [kh, kw, dx channels, dy channels], dx shape, strides, pad
const gradCases: Array<[number[], number[], number[], number | [number, number], Pad]> = [
  [[2, 8, 8, 2], [3, 3, 6, 2], [2, 17, 17, 6], 2, 'valid'],
  [[3, 7, 7, 4], [3, 3, 5, 4], [3, 14, 14, 5], 2, 'same'],
  [[2, 9, 9, 8], [5, 5, 3, 8], [2, 9, 9, 3], 1, 'same'],
  [[2, 5, 6, 3], [4, 4, 1, 3], [2, 12, 14, 1], 2, 'valid'],
  [[1, 4, 4, 2], [2, 2, 3, 2], [1, 12, 12, 3], 3, 'same'],
  [[2, 6, 5, 7], [3, 3, 8, 7], [2, 13, 11, 8], 2, 'valid'],
  [[2, 5, 9, 16], [3, 5, 4, 16], [2, 10, 17, 4], [2, 2], 'same'],
];

describe('conv2d_backprop_input_direct (few-channel Conv2DBackpropInput)', () => {
  for (const [dys, fs, xs, strides, pad] of gradCases) {
    it(`matches the cpu backend's conv2dTranspose and is the registered kernel: dy [${dys}], filter [${fs}] -> [${xs}], strides ${strides}, ${pad}`, () => {
      const rng = new Rng((dys[1] as number) * 11 + (fs[2] as number));
      const dy = operand(dys, rng);
      const f = operand(fs, rng);
      const attrs = { strides, pad, dataFormat: 'NHWC', inputShape: xs };
      const before = tf.memory().numTensors;
      const direct = on('wasm', [dy, f], (dyi, fi) =>
        kernel(
          conv2dInputGradDirectOnWasm,
          { dy: dyi as tf.Tensor, filter: fi as tf.Tensor },
          attrs,
        ),
      );
      const transpose = (dyi: tf.Tensor, fi: tf.Tensor) =>
        tf.conv2dTranspose(
          dyi as tf.Tensor4D,
          fi as tf.Tensor4D,
          xs as [number, number, number, number],
          strides,
          pad as 'valid',
        );
      const registered = on('wasm', [dy, f], transpose);
      expect(tf.memory().numTensors).toBe(before);
      expect(Buffer.from(registered.values.buffer).equals(Buffer.from(direct.values.buffer))).toBe(
        true,
      );
      const k = (fs[0] as number) * (fs[1] as number) * (fs[3] as number);
      expectClose(direct, on('cpu', [dy, f], transpose), k);
    });
  }
});

describe('which few-channel kernels apply', () => {
  const t = (shape: number[]) => ({ shape, dtype: 'float32', dataId: {} }) as tf.TensorInfo;
  const args = (filter: number[], attrs: object = {}) =>
    ({ inputs: { x: t([1, 8, 8, filter[2] as number]), filter: t(filter) }, attrs }) as never;

  it('leaves to tfjs the few-channel Conv2D that conv2d_direct declines, not tanh-fused ones', () => {
    expect(smallConvOnXnnpack(args([5, 5, 8, 16]), false)).toBe(true);
    expect(smallConvOnXnnpack(args([5, 5, 2, 8], { activation: 'relu' }), true)).toBe(true);
    expect(smallConvOnXnnpack(args([5, 5, 16, 8]), false)).toBe(false);
    expect(smallConvOnXnnpack(args([5, 5, 8, 17]), false)).toBe(false);
    expect(smallConvOnXnnpack(args([5, 5, 2, 8], { activation: 'tanh' }), true)).toBe(false);
  });

  it('takes Conv2D up to 8 in and 32 out channels, not dilation along x, strides, 1 x 1', () => {
    const wasm = (filter: number[], attrs: object) => {
      const x = tf.zeros([1, 8, 8, filter[2] as number]);
      const f = tf.zeros(filter);
      const inputs = { x, filter: f };
      const pad = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, ...attrs };
      const out = smallConvOnWasm({ inputs, backend: tf.backend(), attrs: pad } as never, false);
      if (out) tf.engine().disposeTensor(tf.engine().makeTensorFromTensorInfo(out));
      tf.dispose([x, f]);
      return out !== undefined;
    };
    expect(wasm([3, 3, 8, 16], {})).toBe(true);
    expect(wasm([3, 3, 16, 8], {})).toBe(false);
    expect(wasm([5, 5, 1, 25], {})).toBe(true);
    expect(wasm([3, 3, 8, 33], {})).toBe(false);
    expect(wasm([3, 3, 4, 4], { dilations: [1, 2] })).toBe(false);
    expect(wasm([3, 3, 4, 4], { strides: 2 })).toBe(false);
    expect(wasm([1, 1, 4, 4], {})).toBe(false);
  });

  it('declines Conv2DBackpropInput with 16 dx channels, 32 dy channels or over 32 MFLOP', () => {
    const grad = (dy: number[], filter: number[], inputShape: number[]) =>
      conv2dInputGradDirectOnWasm({
        inputs: { dy: t(dy), filter: t(filter) },
        backend: tf.backend(),
        attrs: { strides: 2, pad: 'valid', dataFormat: 'NHWC', inputShape },
      } as never);
    expect(grad([2, 8, 8, 8], [3, 3, 16, 8], [2, 17, 17, 16])).toBeUndefined();
    expect(grad([2, 8, 8, 32], [3, 3, 8, 32], [2, 17, 17, 8])).toBeUndefined();
    // LTOR's decoder at batch 128: 128 * 64 * 64 * 3 * 8 * 36 * 2 / 4 = 226 MFLOP.
    expect(grad([128, 30, 30, 8], [6, 6, 3, 8], [128, 64, 64, 3])).toBeUndefined();
  });
});
