import type { ModelBatch } from '@vmbrl/core';
import type { tf } from '@vmbrl/tensor';

/**
 * A batch of latent states. With `T = tf.Tensor2D` the leading axis is N states; with
 * `T = tf.Tensor3D` the leading axes are [B, L] (a batch of sequences).
 * `stoch` is the sample (the mean for the deterministic `rnn` variant) drawn from
 * Normal(`mean`, `std`); `deter` is the GRU state h (null for the `ssm` variant).
 */
export interface LatentState<T extends tf.Tensor = tf.Tensor2D> {
  deter: T | null;
  stoch: T;
  mean: T;
  std: T;
}

/**
 * A batch of training sequences: `ModelBatch` of @vmbrl/core (image uint8 [B, L, 64, 64, 3],
 * action f32 [B, L, A], reward f32 [B, L]; every replay `SequenceBatch` is one). The name is
 * kept for code written before the batch contracts moved to @vmbrl/core.
 */
export type SequenceBatch = ModelBatch;

/** Result of filtering a batch of sequences (PlaNet eq. 3 quantities). */
export interface ObserveResult {
  /** q(s_t | h_t, e_t), [B, L, ...]. */
  posteriors: LatentState<tf.Tensor3D>;
  /** p(s_t | h_t), [B, L, ...]. */
  priors: LatentState<tf.Tensor3D>;
  /** Decoder/reward input from the posterior states, [B, L, F]. */
  features: tf.Tensor3D;
}

/** Result of a prior rollout of `horizon` steps from N start states. */
export interface ImagineResult {
  /** Prior states after each step, [N, H, ...]. */
  states: LatentState<tf.Tensor3D>;
  /** Features of those states, [N, H, F]. */
  features: tf.Tensor3D;
  /** Actions taken, [N, H, A] (the given ones or those the policy chose). */
  actions: tf.Tensor3D;
}

/** Chooses actions during imagination: features [N, F] at step t -> actions [N, A]. */
export type ImaginePolicy = (features: tf.Tensor2D, step: number) => tf.Tensor2D;

/** Scalar loss tensors by name; `total` is what the optimiser minimises. */
export interface LossResult {
  total: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}

/** Numbers logged after one optimiser step. */
export interface TrainMetrics {
  loss: number;
  gradNorm: number;
  [term: string]: number;
}

/**
 * The world-model contract: one interface for latent- and pixel-space models so
 * planners and the design study can swap designs. All tensor results are owned by the caller.
 */
export interface WorldModel {
  /** Filter a batch of sequences with the posterior. */
  observe(batch: SequenceBatch): ObserveResult;
  /**
   * Roll the prior forward `horizon` steps from `start` (N states), under given actions
   * [N, horizon, A] or actions chosen by a policy callback.
   */
  imagine(start: LatentState, actions: tf.Tensor3D | ImaginePolicy, horizon: number): ImagineResult;
  /** Loss terms for a batch (image, reward, kl, ...) and their weighted total. */
  loss(batch: SequenceBatch): LossResult;
  /** Mean image (network scale, x/255 - 0.5) from features [N, F] -> [N, 64, 64, 3]. */
  decode(features: tf.Tensor2D): tf.Tensor4D;
  /** Mean reward from features [N, F] -> [N]. */
  predictReward(features: tf.Tensor2D): tf.Tensor1D;
  /** One optimiser step on a batch; returns numbers for logging. */
  trainStep(batch: SequenceBatch): TrainMetrics;
  trainableVariables(): tf.Variable[];
  /** Variables by stable name, for checkpoints. */
  namedVariables(): Map<string, tf.Variable>;
}

/** What a planner needs step by step (the contract lives in @vmbrl/core). */
export type { Dynamics } from '@vmbrl/core';

/**
 * The contrastive bound of Dreamer eq. 12 as a loss (`objective: 'contrastive'`): states [N, S]
 * and the state model's q(s | o) (mean, std [N, S]) of the same N observations -> scalar.
 */
export type ContrastiveBound = (
  states: tf.Tensor2D,
  stateModel: { mean: tf.Tensor2D; std: tf.Tensor2D },
) => tf.Scalar;
