/**
 * The report's open-loop rows of a study design: from the first `context` steps of replayed
 * chunks, the design predicts the next `horizon` rewards (and frames, when it predicts them)
 * from the actions alone; the truth is the chunks' own rows.
 */
import type { SequenceBatch } from '@vmbrl/core';
import { floatToUint8Array, tf } from '@vmbrl/tensor';
import type { StudyModel } from '@vmbrl/world-models';
import type { OpenLoopPrediction } from '../loop/definition.js';

const FRAME = 64 * 64 * 3;

/** Mean squared difference of two equally long arrays. */
function meanSquaredError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += ((a[i] as number) - (b[i] as number)) ** 2;
  return sum / a.length;
}

/**
 * Open-loop rewards and frames of `model` on `batch` (B chunks of at least context + horizon
 * rows): predicted row context + t against the chunk's row context + t. Frame errors are in
 * [0, 1] pixel units, as PlaNet's open-loop video.
 */
export function studyOpenLoop(
  model: StudyModel,
  batch: SequenceBatch,
  context: number,
  horizon: number,
): OpenLoopPrediction {
  const { batchSize: examples, length } = batch;
  const rows = (b: number) => Array.from({ length: horizon }, (_, t) => b * length + context + t);
  const truthRewards = new Float32Array(examples * horizon);
  const truthFrames = new Uint8Array(examples * horizon * FRAME);
  for (let b = 0; b < examples; b++) {
    rows(b).forEach((row, t) => {
      const i = b * horizon + t;
      truthRewards[i] = batch.reward[row] as number;
      truthFrames.set(
        (batch.image as Uint8Array).subarray(row * FRAME, (row + 1) * FRAME),
        i * FRAME,
      );
    });
  }
  const prediction = model.predict(batch, context, horizon);
  try {
    const predicted = prediction.rewards.dataSync() as Float32Array;
    const out: OpenLoopPrediction = {
      rewards: {
        truth: truthRewards,
        predicted: Float32Array.from(predicted),
        examples,
        horizon,
        mse: meanSquaredError(predicted, truthRewards),
      },
    };
    if (prediction.frames) {
      // Network scale x/255 - 0.5 back to [0, 1] beside the true pixels.
      const values = prediction.frames.dataSync();
      let sum = 0;
      for (let i = 0; i < values.length; i++) {
        sum += ((values[i] as number) + 0.5 - (truthFrames[i] as number) / 255) ** 2;
      }
      const frames = floatToUint8Array(prediction.frames);
      out.frames = {
        truth: truthFrames,
        prediction: frames,
        examples,
        horizon,
        mse: sum / values.length,
      };
    }
    return out;
  } finally {
    tf.dispose([prediction.rewards, prediction.frames ?? []].flat());
  }
}
