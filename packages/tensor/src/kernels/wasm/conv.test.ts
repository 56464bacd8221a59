import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KERNEL_GROUPS, initBackend, isFastKernel, setWasmKernels, tf } from '../../index.js';
import { Rng } from '../../random.js';
import { expectClose } from './test-helpers.js';

/** Values of f on `backend` from the very same inputs. */
function on(
  backend: string,
  inputs: Array<{ values: Float32Array; shape: number[] }>,
  f: (...t: tf.Tensor[]) => tf.Tensor,
) {
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

function operand(shape: number[], rng: Rng) {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return { values, shape };
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false, wasmThreads: 1 });
  // The implicit GEMM on every case: the direct group would send few channels elsewhere.
  setWasmKernels(KERNEL_GROUPS.filter((g) => g !== 'direct'));
});
afterAll(() => setWasmKernels(KERNEL_GROUPS));

type Pad = 'valid' | 'same' | number[][];
// x shape, filter shape, strides, pad, dilation; sizes straddle the 4 x 8 tile, channel counts
// that are and are not multiples of 4 (vector and scalar gathers), several 128-row A blocks and
// a K of 4 * 4 * 48 = 768 > 512 (two K blocks).
const cases: Array<[number[], number[], number | [number, number], Pad, number]> = [
  [[2, 9, 9, 3], [3, 3, 3, 5], 1, 'valid', 1],
  [[2, 9, 9, 8], [3, 3, 8, 12], 1, 'same', 1],
  [[3, 31, 31, 32], [4, 4, 32, 64], 2, 'valid', 1],
  [[2, 14, 14, 48], [4, 4, 48, 20], 2, 'same', 1],
  [[2, 10, 13, 4], [3, 4, 4, 9], [1, 2], 'same', 1],
  [[2, 11, 12, 4], [3, 3, 4, 7], 1, 'valid', 2],
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
    1,
  ],
];

describe('our Conv2D on wasm (implicit GEMM)', () => {
  it('replaces Conv2D, FusedConv2D and both convolution gradients', () => {
    for (const name of ['Conv2D', 'FusedConv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput']) {
      expect(isFastKernel(name, 'wasm'), name).toBe(true);
    }
  });

  for (const [xs, fs, strides, pad, dilation] of cases) {
    const label = `x [${xs}], filter [${fs}], strides ${strides}, pad ${JSON.stringify(pad)}, dilation ${dilation}`;
    const rng = new Rng(xs[1] as number);
    const x = operand(xs, rng);
    const f = operand(fs, rng);
    const k = (fs[0] as number) * (fs[1] as number) * (fs[2] as number);
    const conv = (xi: tf.Tensor, fi: tf.Tensor) =>
      tf.conv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, strides, pad as 'valid', 'NHWC', dilation);

    it(`matches the cpu backend: ${label}`, () => {
      const before = tf.memory().numTensors;
      expectClose(on('wasm', [x, f], conv), on('cpu', [x, f], conv), k);
      expect(tf.memory().numTensors).toBe(before);
    });

    if (dilation === 1) {
      it(`gives the cpu filter gradient: ${label}`, () => {
        const dyShape = on('cpu', [x, f], conv).shape;
        const dy = operand(dyShape, rng);
        const grad = (xi: tf.Tensor, dyi: tf.Tensor) =>
          tf.engine().runKernel('Conv2DBackpropFilter', { x: xi, dy: dyi }, {
            strides,
            pad,
            dataFormat: 'NHWC',
            filterShape: fs,
          } as unknown as tf.NamedAttrMap) as tf.Tensor;
        const positions = dyShape.slice(0, 3).reduce((a, b) => a * b, 1);
        expectClose(on('wasm', [x, dy], grad), on('cpu', [x, dy], grad), positions);
      });
    }
  }

  for (const activation of [
    'linear',
    'relu',
    'relu6',
    'leakyrelu',
    'sigmoid',
    'elu',
    'prelu',
  ] as const) {
    it(`fuses bias + ${activation} like the cpu backend's fused conv2d`, () => {
      const rng = new Rng(activation.length + 40);
      const x = operand([2, 12, 12, 8], rng);
      for (let i = 0; i < x.values.length; i++) x.values[i] = (x.values[i] as number) * 0.4;
      const f = operand([3, 3, 8, 10], rng);
      const bias = operand([10], rng);
      const alpha = operand([10], rng);
      const run = (xi: tf.Tensor, fi: tf.Tensor, bi: tf.Tensor, ai: tf.Tensor) =>
        tf.fused.conv2d({
          x: xi as tf.Tensor4D,
          filter: fi as tf.Tensor4D,
          strides: 1,
          pad: 'same',
          bias: bi,
          activation,
          preluActivationWeights: activation === 'prelu' ? ai : undefined,
          leakyreluAlpha: 0.3,
        });
      expectClose(on('wasm', [x, f, bias, alpha], run), on('cpu', [x, f, bias, alpha], run), 72);
    });
  }
});
