import { initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLoopPrediction } from './open-loop.js';
import { movingSquareBatch } from './synthetic.js';
import { LatentWorldModel } from './world-model.js';

beforeAll(async () => {
  await initBackend();
});

describe('open-loop prediction', () => {
  const batch = movingSquareBatch({ batchSize: 2, length: 9, seed: 4 });
  const model = LatentWorldModel.fromPreset('debug', { actionDim: 2, seed: 3 });

  it('predicts T frames after 5 context frames and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const result = openLoopPrediction(model, batch, { context: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.horizon).toBe(4);
    expect(result.prediction.length).toBe(2 * 4 * 64 * 64 * 3);
    // Truth is frames 5..8 of each sequence.
    const frame = 64 * 64 * 3;
    expect(result.truth.subarray(0, frame)).toEqual(batch.image!.subarray(5 * frame, 6 * frame));
    expect(result.truth.subarray(4 * frame, 5 * frame)).toEqual(
      batch.image!.subarray(14 * frame, 15 * frame),
    );
    // Per-frame error recomputed in plain JS from the quantised prediction (within rounding).
    let sum = 0;
    for (let i = 0; i < frame; i += 1) {
      const d = (result.prediction[i]! - result.truth[i]!) / 255;
      sum += d * d;
    }
    expect(Math.abs(sum / frame - result.frameMse[0]!)).toBeLessThan(2e-3);
    expect(() => openLoopPrediction(model, batch, { context: 5, horizon: 5 })).toThrow(
      /exceeds the batch length 9/,
    );
  });
});
