import type { SequenceScorer } from '@vmbrl/core';
/**
 * Random shooting (PlaNet's Figure 5 baseline): score J sequences drawn from N(0, I), clipped
 * to the action bounds, and act with the first action of the best one; no refitting.
 */
import { tf } from '@vmbrl/tensor';
import { sampleSequences, scoreOnBackend, scoreOnJs, topIndices } from './cem.js';
import { type PlannerOptions, drawStandardNormal, resolvePlannerOptions } from './options.js';
import type { AnyScorer, TensorSequenceScorer } from './types.js';

/** Options of {@link randomShooting}. */
export type RandomShootingOptions = PlannerOptions;

/** What {@link randomShooting} returns. */
export interface RandomShootingResult {
  /** First action of the best sequence: [A]. */
  action: Float32Array;
  /** The best sequence, row-major [H, A]. */
  sequence: Float32Array;
  /** Its return. */
  bestReturn: number;
  /** Index of the best candidate among the J. */
  bestIndex: number;
}

/**
 * Plans one action by random shooting, on the tensor backend when the scorer has
 * `scoreTensor`, otherwise with `score`.
 *
 * @throws on a bad option (names it and the allowed values) or a scorer returning wrong shapes.
 */
export async function randomShooting(
  scorer: AnyScorer,
  options: RandomShootingOptions,
): Promise<RandomShootingResult> {
  const o = resolvePlannerOptions(scorer, options, 'randomShooting');
  const { horizon: H, candidates: J, actionDim: A } = o;
  const n = H * A;
  const zeros = new Float32Array(n);
  const ones = new Float32Array(n).fill(1);
  if (o.path === 'array') {
    const actions = sampleSequences(drawStandardNormal(o, 0), zeros, ones, o);
    const returns = await scoreOnJs(scorer as SequenceScorer, actions, J, H);
    const best = topIndices(returns, 1)[0] as number;
    const sequence = actions.slice(best * n, (best + 1) * n);
    return {
      action: sequence.slice(0, A),
      sequence,
      bestReturn: returns[best] as number,
      bestIndex: best,
    };
  }
  const noiseValues = o.standardNormal ? drawStandardNormal(o, 0) : undefined;
  const seed = noiseValues ? 0 : o.rng.seed32();
  const packed = tf.tidy(() => {
    const noise = noiseValues
      ? tf.tensor3d(noiseValues, [J, H, A])
      : tf.randomNormal([J, H, A], 0, 1, 'float32', seed);
    const actions = tf.clipByValue(noise, o.actionMin, o.actionMax) as tf.Tensor3D;
    const returns = scoreOnBackend(scorer as TensorSequenceScorer, actions, J);
    const top = tf.topk(returns, 1, true);
    const sequence = tf.reshape(tf.gather(actions, top.indices), [-1]);
    return tf.concat([sequence, top.values, tf.cast(top.indices, 'float32')]);
  });
  const values = packed.dataSync() as Float32Array;
  packed.dispose();
  const sequence = values.slice(0, n);
  return {
    action: sequence.slice(0, A),
    sequence,
    bestReturn: values[n] as number,
    bestIndex: values[n + 1] as number,
  };
}
