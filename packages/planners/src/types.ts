import {
  type TensorSequenceScorer as CoreTensorSequenceScorer,
  type Dynamics,
  type SequenceScorer,
  type SyncSequenceScorer,
  checkActionSequences,
} from '@vmbrl/core';
import type { tf } from '@vmbrl/tensor';

/** A tensor scorer on TensorFlow.js: actions [J, H, A] -> returns [J] (see @vmbrl/core). */
export type TensorSequenceScorer = CoreTensorSequenceScorer<tf.Tensor3D, tf.Tensor1D>;

/** Anything a planner accepts: a JS-side scorer, a tensor scorer, or an object that is both. */
export type AnyScorer = SequenceScorer | TensorSequenceScorer;

/** True when the scorer can run on the tensor backend. */
export function isTensorScorer(scorer: AnyScorer): scorer is TensorSequenceScorer {
  return typeof (scorer as TensorSequenceScorer).scoreTensor === 'function';
}

/** True when the scorer has a JS-side `score`. */
export function isSequenceScorer(scorer: AnyScorer): scorer is SequenceScorer {
  return typeof (scorer as SequenceScorer).score === 'function';
}

/**
 * Adapts step-wise dynamics to a {@link SequenceScorer}: from J copies of `belief`, step each
 * candidate through its H actions and sum the rewards of the states reached
 * (PlaNet Algorithm 2, line 6: R = sum over tau = t+1..t+H of E[r(s_tau)]).
 */
export function scorerFromDynamics<S, B>(dynamics: Dynamics<S, B>, belief: B): SyncSequenceScorer {
  const actionDim = dynamics.actionDim;
  return {
    actionDim,
    score(actions: Float32Array, candidates: number, horizon: number): Float32Array {
      checkActionSequences(actions, candidates, horizon, actionDim);
      const returns = new Float32Array(candidates);
      const stepActions = new Float32Array(candidates * actionDim);
      let states = dynamics.initial(belief, candidates);
      try {
        for (let t = 0; t < horizon; t++) {
          // Gather a_t of every candidate from the [J, H, A] layout into [J, A].
          for (let j = 0; j < candidates; j++) {
            const from = (j * horizon + t) * actionDim;
            stepActions.set(actions.subarray(from, from + actionDim), j * actionDim);
          }
          const next = dynamics.step(states, stepActions);
          dynamics.dispose(states);
          states = next;
          const rewards = dynamics.reward(states);
          if (rewards.length !== candidates) {
            throw new Error(
              `dynamics.reward returned ${rewards.length} values; expected one per candidate (${candidates})`,
            );
          }
          for (let j = 0; j < candidates; j++)
            returns[j] = (returns[j] as number) + (rewards[j] as number);
        }
      } finally {
        dynamics.dispose(states);
      }
      return returns;
    },
  };
}
