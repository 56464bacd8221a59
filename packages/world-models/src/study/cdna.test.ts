import { currentBackend, initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdnaComposite, dnaTransform, normaliseKernels } from './cdna.js';

beforeAll(async () => {
  await initBackend();
});

/** The 3 x 3 test image 1..9 (row-major), one channel, as [1, 3, 3, 1]. */
const IMAGE = [1, 2, 3, 4, 5, 6, 7, 8, 9];

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i], `element ${i}`).toBeCloseTo(v, digits));
}

/** A one-hot 3 x 3 kernel on tap a * 3 + b. */
function tap(a: number, b: number): number[] {
  const k = new Array<number>(9).fill(0);
  k[a * 3 + b] = 1;
  return k;
}

describe('normaliseKernels', () => {
  it('shifts, rectifies and divides by the sum, as computed by hand', () => {
    // relu(x - 0.5) + 0.5 = [0.5, 0.5, 1, 3, 0.5 x 5], sum 7.5.
    const raw = tf.tensor3d([[[-1, 0, 1, 3, 0, 0, 0, 0, 0]]]);
    const out = normaliseKernels(raw, 0.5).dataSync();
    expectClose(out, [1 / 15, 1 / 15, 2 / 15, 6 / 15, 1 / 15, 1 / 15, 1 / 15, 1 / 15, 1 / 15]);
  });
});

describe('dnaTransform', () => {
  it('a one-hot kernel on the right-hand tap shifts the image left, zero filling', () => {
    const image = tf.tensor4d(IMAGE, [1, 3, 3, 1]);
    const kernels = tf.tensor4d(new Array(9).fill(tap(1, 2)).flat(), [1, 3, 3, 9]);
    expectClose(dnaTransform(image, kernels).dataSync(), [2, 3, 0, 5, 6, 0, 8, 9, 0]);
  });

  it('half the centre plus half the pixel below, per pixel', () => {
    const image = tf.tensor4d(IMAGE, [1, 3, 3, 1]);
    const kernel = tap(1, 1).map((v, i) => 0.5 * v + 0.5 * (tap(2, 1)[i] as number));
    const kernels = tf.tensor4d(new Array(9).fill(kernel).flat(), [1, 3, 3, 9]);
    // (p[y][x] + p[y+1][x]) / 2, the row below the image being zero.
    expectClose(
      dnaTransform(image, kernels).dataSync(),
      [2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 3.5, 4, 4.5],
    );
  });
});

/**
 * The former implementation, kept as the independent reference: k*k shifted copies of each
 * channel plane from one 'same' convolution with a one-hot [k, k, 1, k*k] filter bank, weighted
 * per pixel and summed over the taps.
 */
function tapBankDna(image: tf.Tensor4D, kernels: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = image.shape;
    const taps = kernels.shape[3];
    const k = Math.round(Math.sqrt(taps));
    const bank = new Float32Array(taps * taps);
    for (let d = 0; d < taps; d += 1) bank[d * taps + d] = 1;
    const planes = tf.reshape(tf.transpose(image, [0, 3, 1, 2]), [n * c, h, w, 1]);
    const copies = tf.conv2d(planes as tf.Tensor4D, tf.tensor4d(bank, [k, k, 1, taps]), 1, 'same');
    const weighted = tf.mul(
      tf.reshape(copies, [n, c, h * w, taps]),
      tf.reshape(kernels, [n, 1, h * w, taps]),
    );
    return tf.reshape(tf.transpose(tf.sum(weighted, 3), [0, 2, 1]), [n, h, w, c]) as tf.Tensor4D;
  });
}

/** The definition, by loops: out[n, y, x, c] = sum_{a,b} K[n, y, x, a k + b] img[n, y+a-r, x+b-r, c]. */
function loopDna(img: number[][][][], ker: number[][][][], k: number): number[] {
  const r = (k - 1) / 2;
  const out: number[] = [];
  img.forEach((plane, n) => {
    plane.forEach((row, y) => {
      row.forEach((pixel, x) => {
        pixel.forEach((_, c) => {
          let s = 0;
          for (let a = 0; a < k; a += 1) {
            for (let b = 0; b < k; b += 1) {
              const v = img[n]?.[y + a - r]?.[x + b - r]?.[c] ?? 0;
              s += (ker[n]?.[y]?.[x]?.[a * k + b] as number) * v;
            }
          }
          out.push(s);
        });
      });
    });
  });
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i += 1)
    m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('dnaTransform against the tap-bank convolution and the definition', () => {
  // [N, H, W, C, k]: odd and even sizes, non-square, one to four channels, batch > 1.
  const cases: [number, number, number, number, number][] = [
    [2, 7, 6, 3, 3],
    [3, 9, 8, 2, 5],
    [2, 5, 4, 4, 5],
    [1, 6, 7, 1, 3],
    [2, 4, 4, 3, 1],
  ];
  it.each(cases)('N %i, %i x %i, C %i, k %i: values and both gradients', (n, h, w, c, k) => {
    const before = tf.memory().numTensors;
    const image = tf.randomNormal([n, h, w, c], 0, 1, 'float32', 7) as tf.Tensor4D;
    const kernels = tf.randomNormal([n, h, w, k * k], 0, 1, 'float32', 11) as tf.Tensor4D;
    // A non-uniform upstream gradient, so that every output element is weighed differently.
    const weights = tf.randomUniform([n, h, w, c], 0.5, 1.5, 'float32', 13);
    const out = dnaTransform(image, kernels);
    expect(out.shape).toEqual([n, h, w, c]);
    const byLoops = loopDna(
      image.arraySync() as number[][][][],
      kernels.arraySync() as number[][][][],
      k,
    );
    expect(maxAbsDiff(out.dataSync(), byLoops)).toBeLessThan(1e-4);
    const reference = tapBankDna(image, kernels);
    expect(maxAbsDiff(out.dataSync(), reference.dataSync())).toBeLessThan(1e-4);
    const loss = (f: typeof dnaTransform) => (x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(f(x as tf.Tensor4D, y as tf.Tensor4D), weights));
    const [gImage, gKernels] = tf.grads(loss(dnaTransform))([image, kernels]);
    const [rImage, rKernels] = tf.grads(loss(tapBankDna))([image, kernels]);
    expect(gImage?.shape).toEqual([n, h, w, c]);
    expect(gKernels?.shape).toEqual([n, h, w, k * k]);
    expect(maxAbsDiff(gImage?.dataSync() ?? [], rImage?.dataSync() ?? [])).toBeLessThan(1e-4);
    expect(maxAbsDiff(gKernels?.dataSync() ?? [], rKernels?.dataSync() ?? [])).toBeLessThan(1e-4);
    // The gradients are not trivially zero.
    const largest = tf.tidy(() => tf.max(tf.abs(gKernels as tf.Tensor)).dataSync()[0]);
    expect(largest).toBeGreaterThan(0.1);
    tf.dispose([image, kernels, weights, out, reference, gImage, gKernels, rImage, rKernels]);
    // Repeated calls leak nothing.
    const image2 = tf.ones([n, h, w, c]) as tf.Tensor4D;
    const kernels2 = tf.ones([n, h, w, k * k]) as tf.Tensor4D;
    const mid = tf.memory().numTensors;
    for (let i = 0; i < 3; i += 1) {
      tf.dispose(dnaTransform(image2, kernels2));
      tf.dispose(
        tf.grads((x: tf.Tensor, y: tf.Tensor) =>
          tf.sum(dnaTransform(x as tf.Tensor4D, y as tf.Tensor4D)),
        )([image2, kernels2]),
      );
    }
    expect(tf.memory().numTensors).toBe(mid);
    tf.dispose([image2, kernels2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects kernels of an even or non-square tap count', () => {
    const image = tf.zeros([1, 3, 3, 1]) as tf.Tensor4D;
    expect(() => dnaTransform(image, tf.zeros([1, 3, 3, 4]) as tf.Tensor4D)).toThrow(/odd/);
    expect(() => dnaTransform(image, tf.zeros([1, 3, 3, 8]) as tf.Tensor4D)).toThrow(/k\*k/);
  });
});

describe('cdnaComposite', () => {
  // Two channels: the image and 10 x the image. Kernel 1 reads the pixel to the right, kernel 2
  // the pixel above. Masks [previous, generated, K1, K2] = [0.1, 0.2, 0.3, 0.4] everywhere but
  // at the centre, where the previous frame alone is kept.
  const previous = () =>
    tf.tensor4d(
      IMAGE.flatMap((v) => [v, 10 * v]),
      [1, 3, 3, 2],
    );
  const generated = () => tf.fill([1, 3, 3, 2], 100) as tf.Tensor4D;
  const masks = () => {
    const values = new Array(9).fill([0.1, 0.2, 0.3, 0.4]);
    values[4] = [1, 0, 0, 0];
    return tf.tensor4d(values.flat(), [1, 3, 3, 4]);
  };
  const kernels = () => tf.tensor3d([[tap(1, 2), tap(0, 1)]]);

  it('mixes the previous frame, the generated image and both convolved copies per pixel', () => {
    const out = cdnaComposite(previous(), generated(), masks(), kernels()).dataSync();
    // Channel 0: 0.1 p[y][x] + 20 + 0.3 p[y][x+1] + 0.4 p[y-1][x]; channel 1: 20 + 10 x that
    // without the 20; the centre is p[1][1].
    const channel0 = [20.7, 21.1, 20.3, 22.3, 5, 21.8, 24.7, 25.5, 23.3];
    const channel1 = [27, 31, 23, 43, 50, 38, 67, 75, 53];
    expectClose(
      out,
      channel0.flatMap((v, i) => [v, channel1[i] as number]),
      4,
    );
  });

  it('equals the former pixel-major product into the tap bank, values and gradients', () => {
    const [n, h, w, c, m, k] = [2, 9, 7, 3, 4, 5];
    const before = tf.memory().numTensors;
    const prev = tf.randomUniform([n, h, w, c], 0, 1, 'float32', 21) as tf.Tensor4D;
    const gen = tf.randomUniform([n, h, w, c], 0, 1, 'float32', 22) as tf.Tensor4D;
    const logits = tf.randomNormal([n, h, w, m + 2], 0, 1, 'float32', 23);
    const msk = tf.softmax(logits) as tf.Tensor4D;
    const raw = tf.randomNormal([n, m, k * k], 0, 1, 'float32', 24) as tf.Tensor3D;
    const ker = normaliseKernels(raw, 0.1);
    const former = (p: tf.Tensor, g: tf.Tensor, ms: tf.Tensor, ks: tf.Tensor) =>
      tf.tidy(() => {
        const [keep, fresh, moving] = tf.split(ms, [1, 1, m], 3);
        const perPixel = tf.matMul(
          tf.reshape(moving as tf.Tensor, [n, h * w, m]),
          ks as tf.Tensor3D,
        );
        const advected = tapBankDna(p as tf.Tensor4D, tf.reshape(perPixel, [n, h, w, k * k]));
        return tf.addN([tf.mul(keep as tf.Tensor, p), tf.mul(fresh as tf.Tensor, g), advected]);
      });
    const now = (p: tf.Tensor, g: tf.Tensor, ms: tf.Tensor, ks: tf.Tensor) =>
      cdnaComposite(p as tf.Tensor4D, g as tf.Tensor4D, ms as tf.Tensor4D, ks as tf.Tensor3D);
    const weights = tf.randomUniform([n, h, w, c], 0.5, 1.5, 'float32', 25);
    const inputs = [prev, gen, msk, ker];
    const ours = tf.grads((p, g, ms, ks) => tf.sum(tf.mul(now(p, g, ms, ks), weights)))(inputs);
    const theirs = tf.grads((p, g, ms, ks) => tf.sum(tf.mul(former(p, g, ms, ks), weights)))(
      inputs,
    );
    const a = now(prev, gen, msk, ker);
    const b = former(prev, gen, msk, ker);
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBeLessThan(1e-5);
    ours.forEach((g, i) => {
      expect(g.shape).toEqual(inputs[i]?.shape);
      expect(maxAbsDiff(g.dataSync(), theirs[i]?.dataSync() ?? []), `input ${i}`).toBeLessThan(
        1e-4,
      );
    });
    tf.dispose([prev, gen, logits, msk, raw, ker, weights, a, b, ...ours, ...theirs]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has gradients on the backend: d out / d mask equals the candidate it weighs', () => {
    const kernelsT = kernels();
    const prev = previous();
    const gen = generated();
    const grad = tf.grad((m) => tf.sum(cdnaComposite(prev, gen, m as tf.Tensor4D, kernelsT)))(
      masks(),
    );
    const g = grad.arraySync() as number[][][][];
    // At pixel (0, 0), summed over both channels (1 and 10 x): previous 1 + 10, generated 200,
    // K1 reads the pixel to the right (2 + 20), K2 the row above (zero padding).
    expectClose(g[0]?.[0]?.[0] as number[], [11, 200, 22, 0], 4);
    // At pixel (2, 1): previous 8 + 80, K1 reads (2, 2) = 9 + 90, K2 reads (1, 1) = 5 + 50.
    expectClose(g[0]?.[2]?.[1] as number[], [88, 200, 99, 55], 4);
    // The kernels get gradients too (the wasm backend must differentiate every op used).
    const gk = tf.grad((k) => tf.sum(cdnaComposite(prev, gen, masks(), k as tf.Tensor3D)))(
      kernelsT,
    );
    expect(Number.isFinite(tf.sum(gk).dataSync()[0] as number)).toBe(true);
    console.log(`cdna gradients checked on ${currentBackend()}`);
  });
});
