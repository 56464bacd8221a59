import { tf } from '@vmbrl/tensor';
import { disposeTree, tidyTree, treeTensors } from './latent.js';

/**
 * A planner's scorer from a tensor scoring function: `scoreTensor` as given, plus `score` on
 * row-major [J, H, A] numbers. Structurally a `TensorSequenceScorer` and a `SequenceScorer` of
 * `@vmbrl/planners`. `where` names the model in errors.
 */
export function sequenceScorer(
  actionDim: number,
  scoreTensor: (actions: tf.Tensor3D) => tf.Tensor1D,
  where: string,
) {
  return {
    actionDim,
    scoreTensor,
    /** Same on row-major [J, H, A] numbers. */
    score(actions: Float32Array, candidates: number, horizon: number): Float32Array {
      if (actions.length !== candidates * horizon * actionDim) {
        throw new Error(
          `${where}: ${actions.length} values, expected J*H*A = ${candidates}*${horizon}*${actionDim}`,
        );
      }
      const input = tf.tensor3d(actions, [candidates, horizon, actionDim]);
      const out = scoreTensor(input);
      const values = Float32Array.from(out.dataSync());
      tf.dispose([input, out]);
      return values;
    },
  };
}

/**
 * Sum of per-step rewards along a rollout, each step in its own tidy so that a large model's
 * intermediate tensors (a video model at J = 128) never pile up over the horizon. `start` is
 * owned by the rollout (disposed once stepped past, except the tensors the next state still
 * holds); `step` returns the next state and the rewards [J] of the state reached.
 */
export function sumRewards<S>(
  start: S,
  horizon: number,
  step: (state: S, t: number) => { state: S; reward: tf.Tensor1D },
): tf.Tensor1D {
  let state = start;
  let total: tf.Tensor1D | null = null;
  try {
    for (let t = 0; t < horizon; t += 1) {
      const current = state;
      const previousTotal: tf.Tensor1D | null = total;
      const next = tidyTree(() => {
        const out = step(current, t);
        return {
          state: out.state,
          total: previousTotal ? tf.add(previousTotal, out.reward) : out.reward,
        };
      });
      // Parts carried over unchanged (e.g. a per-candidate latent) live on in the next state.
      disposeTree(current, treeTensors(next.state));
      if (previousTotal) previousTotal.dispose();
      state = next.state;
      total = next.total as tf.Tensor1D;
    }
  } finally {
    disposeTree(state);
  }
  if (!total) throw new Error('sumRewards: horizon must be >= 1');
  return total;
}
