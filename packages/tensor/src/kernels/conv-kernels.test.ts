import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../index.js';
import { Rng } from '../random.js';

/** Random values from our own generator so cpu and wasm get the very same inputs. */
function randomArray(size: number, rng: Rng): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal();
  return out;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs `fn` on the given backend with fresh tensors made from `arrays` and returns the values. */
function runOn(
  backend: string,
  inputs: Array<{ values: Float32Array; shape: number[] }>,
  fn: (...ts: tf.Tensor[]) => tf.Tensor,
): Float32Array {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const ts = inputs.map(({ values, shape }) => tf.tensor(values, shape, 'float32'));
    return fn(...ts).dataSync() as Float32Array;
  });
}

function relativeError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((a[i] as number) - (b[i] as number)));
    maxRef = Math.max(maxRef, Math.abs(b[i] as number));
  }
  return maxDiff / maxRef;
}

const cases = [
  // [xShape, filterShape, stride, pad]
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], stride: 1, pad: 'valid' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [2, 12, 11, 3], f: [4, 4, 3, 5], stride: 2, pad: 'valid' },
  { x: [2, 12, 11, 3], f: [4, 4, 3, 5], stride: 2, pad: 'same' },
  { x: [3, 13, 13, 4], f: [5, 5, 4, 6], stride: 2, pad: 'valid' },
  { x: [3, 13, 13, 4], f: [5, 5, 4, 6], stride: 2, pad: 'same' },
  { x: [2, 30, 30, 6], f: [6, 6, 6, 3], stride: 2, pad: 'valid' },
  { x: [2, 64, 64, 3], f: [4, 4, 3, 8], stride: 2, pad: 'valid' },
  { x: [2, 10, 13, 3], f: [3, 4, 3, 4], stride: [1, 2], pad: 'same' },
  { x: [2, 11, 10, 2], f: [5, 3, 2, 3], stride: [2, 1], pad: 'valid' },
] as const;

describe('fast convolution-gradient kernels on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });

  it('registers Conv2DBackpropFilter and replaces Conv2DBackpropInput on wasm', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBeDefined();
    // cpu keeps its own kernels unless cpu is the chosen backend: the reference below.
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBeDefined();
  });

  for (const c of cases) {
    const label = `x ${c.x.join('x')}, filter ${c.f.join('x')}, stride ${String(c.stride)}, ${c.pad}`;
    const rng = new Rng(17);
    const x = { values: randomArray(sizeOf([...c.x]), rng), shape: [...c.x] };
    const f = { values: randomArray(sizeOf([...c.f]), rng), shape: [...c.f] };
    const probe = tf.tidy(() =>
      tf.conv2d(
        tf.zeros(c.x as [number, number, number, number]) as tf.Tensor4D,
        tf.zeros(c.f as [number, number, number, number]) as tf.Tensor4D,
        c.stride as [number, number],
        c.pad,
      ),
    );
    const dyShape = probe.shape;
    probe.dispose();
    const dy = { values: randomArray(sizeOf(dyShape), rng), shape: dyShape };

    it(`Conv2DBackpropFilter matches cpu: ${label}`, () => {
      const filterGrad = (xt: tf.Tensor, dyt: tf.Tensor) =>
        tf.engine().runKernel(
          'Conv2DBackpropFilter',
          { x: xt, dy: dyt },
          {
            strides: c.stride as number | [number, number],
            pad: c.pad,
            dataFormat: 'NHWC',
            filterShape: c.f,
          },
        ) as tf.Tensor;
      const onCpu = runOn('cpu', [x, dy], filterGrad);
      const onWasm = runOn('wasm', [x, dy], filterGrad);
      expect(relativeError(onWasm, onCpu)).toBeLessThan(1e-5);
    });

    it(`Conv2DBackpropInput / conv2dTranspose matches cpu: ${label}`, () => {
      const inputGrad = (dyt: tf.Tensor, ft: tf.Tensor) =>
        tf.conv2dTranspose(
          dyt as tf.Tensor4D,
          ft as tf.Tensor4D,
          [...c.x] as [number, number, number, number],
          c.stride as [number, number],
          c.pad,
        );
      const onCpu = runOn('cpu', [dy, f], inputGrad);
      const onWasm = runOn('wasm', [dy, f], inputGrad);
      expect(relativeError(onWasm, onCpu)).toBeLessThan(1e-5);
    });
  }

  it('conv2d gradients through tf.grads agree with cpu and leak no tensors', () => {
    const rng = new Rng(3);
    const x = { values: randomArray(2 * 16 * 16 * 3, rng), shape: [2, 16, 16, 3] };
    const f = { values: randomArray(4 * 4 * 3 * 8, rng), shape: [4, 4, 3, 8] };
    const both = (backend: string) => {
      tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => {
        const xt = tf.tensor(x.values, x.shape);
        const ft = tf.tensor(f.values, f.shape);
        const loss = (a: tf.Tensor, b: tf.Tensor) =>
          tf
            .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')
            .square()
            .sum();
        const [gx, gf] = tf.grads(loss)([xt, ft]);
        return [gx?.dataSync() as Float32Array, gf?.dataSync() as Float32Array];
      });
      expect(tf.memory().numTensors).toBe(before);
      return out;
    };
    const [cx, cf] = both('cpu');
    const [wx, wf] = both('wasm');
    expect(relativeError(wx as Float32Array, cx as Float32Array)).toBeLessThan(1e-5);
    expect(relativeError(wf as Float32Array, cf as Float32Array)).toBeLessThan(1e-5);
  });
});
