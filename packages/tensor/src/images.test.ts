import { beforeAll, describe, expect, it } from 'vitest';
import { floatToUint8, floatToUint8Array, imagesToFloat, initBackend, tf } from './index.js';

function values(t: tf.Tensor): number[] {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

describe('images', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });

  it('maps 8-bit pixels to x/255 - 0.5 and back exactly', () => {
    const pixels = tf.tensor([0, 51, 255, 128, 7, 200], [1, 2, 1, 3], 'int32');
    const x = imagesToFloat(pixels);
    const got = values(x.clone());
    [-0.5, 51 / 255 - 0.5, 0.5, 128 / 255 - 0.5, 7 / 255 - 0.5, 200 / 255 - 0.5].forEach((v, i) =>
      expect(got[i]).toBeCloseTo(v, 6),
    );
    expect(values(floatToUint8(x))).toEqual([0, 51, 255, 128, 7, 200]);
    expect(Array.from(floatToUint8Array(tf.tensor([-0.9, 0.7, 0.0])))).toEqual([0, 255, 128]);
    x.dispose();
    pixels.dispose();
  });

  it('quantises to 5 bits as PlaNet: floor(x/8)/32 (+ U(0, 1/32)) - 0.5', () => {
    // 200 -> floor(25) / 32 = 0.78125; 7 -> 0; 255 -> 31/32; 8 -> 1/32.
    const levels = [200, 7, 255, 8];
    const images = tf.tensor(
      levels.flatMap((v) => [v, v, v]),
      [1, 4, 3],
      'int32',
    );
    const exact = values(imagesToFloat(images, { bitDepth: 5, noise: false }));
    const expected = [0.78125, 0, 31 / 32, 1 / 32].flatMap((v) => [v - 0.5, v - 0.5, v - 0.5]);
    exact.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 6));
    const noisy = values(imagesToFloat(images, { bitDepth: 5, noiseSeed: 3 }));
    noisy.forEach((v, i) => {
      const base = exact[i] as number;
      expect(v).toBeGreaterThanOrEqual(base);
      expect(v).toBeLessThan(base + 1 / 32);
    });
    expect(values(imagesToFloat(images, { bitDepth: 5, noiseSeed: 3 }))).toEqual(noisy);
    images.dispose();
  });

  it('rejects bad bit depths and shapes', () => {
    const img = tf.zeros([2, 2, 3], 'int32');
    expect(() => imagesToFloat(img, { bitDepth: 9 })).toThrow(
      /bitDepth must be an integer in 1\.\.8, got 9/,
    );
    expect(() => imagesToFloat(tf.zeros([2, 2]), {})).toThrow(
      /expected images \[\.\.\., H, W, 3\]/,
    );
    img.dispose();
  });
});
