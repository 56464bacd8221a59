import { floatToUint8, imagesToFloat, tf } from '@vmbrl/tensor';
import { sliceBatch } from './batch.js';
import { IMAGE_SIZE } from './image-loss.js';
import { disposeState, lastStep } from './latent.js';
import type { SequenceBatch, WorldModel } from './types.js';

const FRAME = IMAGE_SIZE * IMAGE_SIZE * 3;

/** Options of an open-loop prediction. */
export interface OpenLoopOptions {
  /** Frames the model observes before predicting (5 in PlaNet's pictures). */
  context?: number;
  /** Frames predicted from the actions alone; defaults to the rest of the sequence. */
  horizon?: number;
}

/** Truth and prediction of T frames for B sequences, with per-frame errors. */
export interface OpenLoopResult {
  batchSize: number;
  horizon: number;
  /** uint8 [B, T, 64, 64, 3]: frames context .. context+T-1 of the batch. */
  truth: Uint8Array;
  /** uint8 [B, T, 64, 64, 3]: the decoded prior predictions of the same frames. */
  prediction: Uint8Array;
  /** Mean squared error per frame on the network scale (x/255 - 0.5), [B, T]. */
  frameMse: Float32Array;
  /** Mean of `frameMse`. */
  meanMse: number;
}

/**
 * Open-loop video prediction (PlaNet figure 8 style): filter the first `context` frames, then
 * roll the prior forward under the next `horizon` actions and decode every predicted state.
 * Needs a world model exposing latent states (`observe`/`imagine`) and `actionDim`.
 */
export function openLoopPrediction(
  model: WorldModel & { readonly actionDim: number },
  batch: SequenceBatch,
  options: OpenLoopOptions = {},
): OpenLoopResult {
  const context = options.context ?? 5;
  const horizon = options.horizon ?? batch.length - context;
  const { batchSize: b, length: l } = batch;
  const a = model.actionDim;
  if (!Number.isInteger(context) || context < 1 || !Number.isInteger(horizon) || horizon < 1) {
    throw new Error(
      `openLoopPrediction: context ${context} and horizon ${horizon} must be integers >= 1`,
    );
  }
  if (context + horizon > l) {
    throw new Error(
      `openLoopPrediction: context ${context} + horizon ${horizon} exceeds the batch length ${l}`,
    );
  }
  const observed = model.observe(sliceBatch(batch, a, 0, context));
  const start = lastStep(observed.posteriors);
  observed.features.dispose();
  disposeState(observed.posteriors);
  disposeState(observed.priors);
  const future = sliceBatch(batch, a, context, horizon);
  const actions = tf.tensor3d(future.action, [b, horizon, a]);
  const imagined = model.imagine(start, actions, horizon);
  disposeState(start);
  actions.dispose();
  const [prediction, frameMseTensor] = tf.tidy(() => {
    const features = tf.reshape(imagined.features, [b * horizon, -1]) as tf.Tensor2D;
    const decoded = model.decode(features);
    const truthShape = [b * horizon, IMAGE_SIZE, IMAGE_SIZE, 3];
    const truthFloat = imagesToFloat(tf.tensor(future.image as Uint8Array, truthShape, 'int32'), {
      bitDepth: 8,
    });
    const mse = tf.mean(
      tf.square(tf.sub(tf.clipByValue(decoded, -0.5, 0.5), truthFloat)),
      [1, 2, 3],
    );
    return [floatToUint8(decoded), mse];
  });
  tf.dispose([imagined.features, imagined.actions]);
  disposeState(imagined.states);
  const predictionBytes = Uint8Array.from(prediction.dataSync());
  const frameMse = Float32Array.from(frameMseTensor.dataSync());
  tf.dispose([prediction, frameMseTensor]);
  const meanMse = frameMse.reduce((sum, v) => sum + v, 0) / frameMse.length;
  return {
    batchSize: b,
    horizon,
    truth: (future.image as Uint8Array).slice(0, b * horizon * FRAME),
    prediction: predictionBytes,
    frameMse,
    meanMse,
  };
}
