import { tf } from '@vmbrl/tensor';
import { disposeState, mapState, tidyTree } from './latent.js';
import { sequenceScorer } from './scorer.js';
import type { Dynamics, LatentState } from './types.js';
import type { LatentWorldModel } from './world-model.js';

/**
 * The learned latent model seen as `Dynamics` for a planner: states are latent states of J
 * candidates, one prior sample per candidate per step (PlaNet: a single trajectory per action
 * sequence), rewards are the reward head's means.
 */
export class LatentDynamics implements Dynamics<LatentState, LatentState> {
  readonly actionDim: number;

  constructor(private readonly model: LatentWorldModel) {
    this.actionDim = model.actionDim;
  }

  /** Tile a belief of one state ([1, ...], e.g. from `lastState`) to J candidates. */
  initial(belief: LatentState, candidates: number): LatentState {
    if (!Number.isInteger(candidates) || candidates < 1) {
      throw new Error(`LatentDynamics.initial: candidates ${candidates} must be an integer >= 1`);
    }
    if (belief.stoch.shape[0] !== 1) {
      throw new Error(
        `LatentDynamics.initial: belief must hold one state, got ${belief.stoch.shape[0]}`,
      );
    }
    return tidyTree(() => mapState(belief, (x) => tf.tile(x, [candidates, 1]) as tf.Tensor2D));
  }

  step(states: LatentState, actions: Float32Array): LatentState {
    const j = states.stoch.shape[0];
    if (actions.length !== j * this.actionDim) {
      throw new Error(
        `LatentDynamics.step: ${actions.length} action values, expected J*A = ${j}*${this.actionDim}`,
      );
    }
    return tidyTree(() => {
      const a = tf.tensor2d(actions, [j, this.actionDim]);
      return this.model.core.imagineStep(states, a, this.model.nextSeed());
    });
  }

  reward(states: LatentState): Float32Array {
    const values = tf.tidy(() => this.model.predictReward(this.model.features(states)));
    const out = values.dataSync() as Float32Array;
    values.dispose();
    return Float32Array.from(out);
  }

  dispose(states: LatentState): void {
    disposeState(states);
  }
}

/**
 * Scores J action sequences [J, H, A] from one belief on the tensor backend (PlaNet Algorithm 2,
 * line 6): tile the belief, step the prior under a_1..a_H with one sample per candidate and sum
 * the predicted mean rewards of the states reached. Structurally a `TensorSequenceScorer` and a
 * `SequenceScorer` of `@vmbrl/planners`. The belief must stay alive while the scorer is used.
 */
export function latentSequenceScorer(model: LatentWorldModel, belief: LatentState) {
  const actionDim = model.actionDim;
  const scoreTensor = (actions: tf.Tensor3D): tf.Tensor1D =>
    tf.tidy(() => {
      const [j, h, a] = actions.shape;
      if (a !== actionDim || belief.stoch.shape[0] !== 1) {
        throw new Error(
          `latentSequenceScorer: actions [${actions.shape}] need A = ${actionDim} and a belief of one state`,
        );
      }
      let state = mapState(belief, (x) => tf.tile(x, [j, 1]) as tf.Tensor2D);
      let total = tf.zeros([j]) as tf.Tensor1D;
      const steps = tf.unstack(actions, 1) as tf.Tensor2D[];
      for (let t = 0; t < h; t += 1) {
        state = model.core.imagineStep(state, steps[t] as tf.Tensor2D, model.nextSeed());
        total = tf.add(total, model.predictReward(model.features(state)));
      }
      return total;
    });
  return sequenceScorer(actionDim, scoreTensor, 'latentSequenceScorer');
}
