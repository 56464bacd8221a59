import { type Adam, tf } from '@vmbrl/tensor';
import type { BatchTensors } from './batch.js';
import { tidyTree } from './latent.js';
import type { LossResult, SequenceBatch, TrainMetrics } from './types.js';

/** What a training step needs from a model. */
export interface TrainableModel {
  readonly actionDim: number;
  readonly optimizer: Adam;
  trainableVariables(): tf.Variable[];
  toTensors(batch: SequenceBatch, noise: boolean): BatchTensors;
  lossOf(inputs: BatchTensors): LossResult;
}

/** Sequences [start, start + count) of a batch, sharing memory with it (no copy). */
export function selectSequences(
  batch: SequenceBatch,
  actionDim: number,
  start: number,
  count: number,
): SequenceBatch {
  const { length: l } = batch;
  const frame = 64 * 64 * 3;
  const image = batch.image as Uint8Array;
  return {
    image: image.subarray(start * l * frame, (start + count) * l * frame),
    action: batch.action.subarray(start * l * actionDim, (start + count) * l * actionDim),
    reward: batch.reward.subarray(start * l, (start + count) * l),
    batchSize: count,
    length: l,
  };
}

function readTerms(terms: Record<string, tf.Scalar>, weight: number, into: TrainMetrics): void {
  for (const [name, value] of Object.entries(terms)) {
    into[name] = (into[name] ?? 0) + weight * (value.dataSync()[0] as number);
    value.dispose();
  }
}

/**
 * One optimiser step on a batch. When B * L exceeds `maxFramesPerPass`, the batch is split into
 * groups of whole sequences whose gradients are accumulated (weighted by their share of B), so
 * large batches (PlaNet's B = 50, L = 50) fit the 4 GB wasm heap. All loss terms are means over
 * batch and time, so the accumulated gradient equals the full-batch one; the exception is the
 * `clampMean` free-nats convention, which then clamps each group's mean KL.
 * The accumulated gradient then goes through `Adam.applyGradients` (global-norm clip + update).
 */
export function trainStep(
  model: TrainableModel,
  batch: SequenceBatch,
  maxFramesPerPass: number,
): TrainMetrics {
  const vars = model.trainableVariables();
  const perPass = Math.max(1, Math.floor(maxFramesPerPass / batch.length));
  if (perPass >= batch.batchSize) {
    let terms: Record<string, tf.Scalar> = {};
    const { loss, gradNorm } = model.optimizer.step(() => {
      const result = model.lossOf(model.toTensors(batch, true));
      terms = Object.fromEntries(Object.entries(result.terms).map(([k, v]) => [k, tf.keep(v)]));
      return result.total;
    }, vars);
    const metrics: TrainMetrics = { loss, gradNorm };
    readTerms(terms, 1, metrics);
    return metrics;
  }
  const sums: (tf.Tensor | undefined)[] = vars.map(() => undefined);
  const metrics: TrainMetrics = { loss: 0, gradNorm: 0 };
  for (let start = 0; start < batch.batchSize; start += perPass) {
    const count = Math.min(perPass, batch.batchSize - start);
    const weight = count / batch.batchSize;
    const group = selectSequences(batch, model.actionDim, start, count);
    let terms: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const result = model.lossOf(model.toTensors(group, true));
      terms = Object.fromEntries(Object.entries(result.terms).map(([k, v]) => [k, tf.keep(v)]));
      return tf.mul(result.total, weight) as tf.Scalar;
    }, vars);
    metrics.loss += value.dataSync()[0] as number;
    value.dispose();
    readTerms(terms, weight, metrics);
    vars.forEach((v, i) => {
      const g = grads[v.name];
      if (!g) return;
      const previous = sums[i];
      sums[i] = previous ? tf.add(previous, g) : g;
      if (previous) {
        previous.dispose();
        g.dispose();
      }
    });
  }
  // Inside a tidy: on its first call Adam creates its moment slots from temporaries that would
  // otherwise outlive the step (2 tensors per variable).
  const { gradNorm } = tidyTree(() => model.optimizer.applyGradients(sums, vars));
  tf.dispose(sums.filter((g): g is tf.Tensor => g !== undefined));
  metrics.gradNorm = gradNorm;
  return metrics;
}
