/**
 * The bridge from the learned world model to the planner: a `TensorSequenceScorer` that tiles
 * the current belief to J candidates, rolls the prior forward under the [J, H, A] actions and
 * sums the predicted rewards (PlaNet Algorithm 2, line 6), all on the tensor backend.
 */
import type { TensorSequenceScorer } from '@vmbrl/planners';
import { tf } from '@vmbrl/tensor';
import type { LatentState, LatentWorldModel } from '@vmbrl/world-models';

/** Scores action sequences from one belief state with the model's prior and reward head. */
export class LatentSequenceScorer implements TensorSequenceScorer {
  readonly actionDim: number;

  /** @param belief one filtered state ([1, ...]); owned by the caller, not disposed here. */
  constructor(
    private readonly model: LatentWorldModel,
    private readonly belief: LatentState,
  ) {
    this.actionDim = model.actionDim;
    if (belief.stoch.shape[0] !== 1) {
      throw new Error(
        `LatentSequenceScorer: the belief must hold one state, got ${belief.stoch.shape[0]}`,
      );
    }
  }

  /**
   * Returns [J]: sum over tau = 1..H of the predicted reward of the state reached after the
   * tau-th action (one prior sample per candidate, as PlaNet). Call inside `tf.tidy` (the
   * planner does); intermediates are left to that scope.
   */
  scoreTensor(actions: tf.Tensor3D): tf.Tensor1D {
    const [candidates, horizon, actionDim] = actions.shape;
    if (actionDim !== this.actionDim) {
      throw new Error(
        `LatentSequenceScorer: actions have ${actionDim} dims per step, the model takes ${this.actionDim}`,
      );
    }
    const { core } = this.model;
    const tile = (x: tf.Tensor2D) => tf.tile(x, [candidates, 1]) as tf.Tensor2D;
    const b = this.belief;
    let state: LatentState = {
      deter: b.deter === null ? null : tile(b.deter),
      stoch: tile(b.stoch),
      mean: tile(b.mean),
      std: tile(b.std),
    };
    const steps = tf.unstack(actions, 1) as tf.Tensor2D[];
    let total: tf.Tensor1D = tf.zeros([candidates]);
    for (let t = 0; t < horizon; t++) {
      state = core.imagineStep(state, steps[t] as tf.Tensor2D, this.model.nextSeed());
      total = tf.add(total, this.model.predictReward(this.model.features(state)));
    }
    return total;
  }
}
