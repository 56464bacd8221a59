import { describe, expect, it } from 'vitest';
import { Adam, ConvDecoder, ConvEncoder, imagesToFloat, initBackend, tf } from './index.js';
import { Rng } from './random.js';

describe('training a conv net on wasm', () => {
  it('an encoder-decoder trained 20 steps lowers its loss and keeps the tensor count fixed', async () => {
    expect(await initBackend({ backend: 'wasm', log: false })).toBe('wasm');
    const rng = new Rng(2024);
    const encoder = new ConvEncoder({ depth: 8, name: 'enc', seed: rng.split('enc').seed32() });
    const decoder = new ConvDecoder(encoder.outDim, {
      depth: 8,
      name: 'dec',
      seed: rng.split('dec').seed32(),
    });
    const vars = [...encoder.trainableVariables(), ...decoder.trainableVariables()];
    const adam = new Adam({ lr: 3e-3, eps: 1e-4, clipNorm: 1000 });
    // Four fixed images: smooth colour gradients plus noise, as uint8 like replay stores them.
    const pixels = new Int32Array(4 * 64 * 64 * 3);
    for (let i = 0; i < pixels.length; i++) {
      const x = Math.floor(i / 3) % 64;
      pixels[i] = Math.min(255, Math.floor(2 * x + 60 * (i % 3) + rng.uniform(0, 40)));
    }
    const images = tf.tidy(() => imagesToFloat(tf.tensor(pixels, [4, 64, 64, 3], 'int32')));
    const lossFn = () =>
      tf.tidy(() => {
        const reconstruction = decoder.apply(encoder.apply(images));
        return tf.mean(tf.sum(tf.square(tf.sub(reconstruction, images)), [1, 2, 3])) as tf.Scalar;
      });

    const losses: number[] = [];
    let tensorsAfterFirst = -1;
    for (let step = 1; step <= 20; step++) {
      const { loss, gradNorm } = adam.step(lossFn, vars);
      expect(Number.isFinite(gradNorm) && gradNorm > 0).toBe(true);
      losses.push(loss);
      if (step === 1) tensorsAfterFirst = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(tensorsAfterFirst);
    const first = losses[0] as number;
    const last = losses[losses.length - 1] as number;
    expect(last).toBeLessThan(0.5 * first);
    images.dispose();
  });
});
