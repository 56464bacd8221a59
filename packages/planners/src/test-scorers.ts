import type { SequenceScorer } from '@vmbrl/core';
/** Scorers with a known optimum, shared by the planner tests (not exported by the package). */
import { tf } from '@vmbrl/tensor';
import type { TensorSequenceScorer } from './types.js';

/**
 * Return = -sum_t ||a_t - target_t||^2, a concave function of the sequence whose maximum over
 * the box [min, max]^(H*A) is the target clipped into the box. Both `score` (float64 sums) and
 * `scoreTensor` compute it, so either planner path can run on it.
 */
export class QuadraticScorer implements SequenceScorer, TensorSequenceScorer {
  scoreCalls = 0;

  constructor(
    readonly actionDim: number,
    /** Row-major [H, A]. */
    readonly target: Float32Array,
  ) {}

  get horizon(): number {
    return this.target.length / this.actionDim;
  }

  score(actions: Float32Array, candidates: number, horizon: number): Float32Array {
    this.scoreCalls++;
    const n = horizon * this.actionDim;
    const out = new Float32Array(candidates);
    for (let j = 0; j < candidates; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) {
        const d = (actions[j * n + k] as number) - (this.target[k] as number);
        sum += d * d;
      }
      out[j] = -sum;
    }
    return out;
  }

  scoreTensor(actions: tf.Tensor3D): tf.Tensor1D {
    this.scoreCalls++;
    return tf.tidy(() => {
      const target = tf.tensor2d(this.target, [this.horizon, this.actionDim]);
      return tf.neg(tf.sum(tf.square(tf.sub(actions, target)), [1, 2])) as tf.Tensor1D;
    });
  }
}

/** The target clipped into [lo, hi]: where the quadratic return is maximal inside the box. */
export function clipped(target: Float32Array, lo: number, hi: number): Float32Array {
  return target.map((v) => Math.min(hi, Math.max(lo, v)));
}
