import type { tf } from '@vmbrl/tensor';

/**
 * Scores whole action sequences on the JS side (e.g. the true simulator). This is all PlaNet's
 * CEM needs: the return of each candidate sequence from the current belief.
 */
export interface SequenceScorer {
  /** Action dimension A. */
  readonly actionDim: number;
  /**
   * Returns of `candidates` sequences. `actions` is row-major [J, H, A] with J = `candidates`
   * and H = `horizon`; the result has J entries.
   */
  score(
    actions: Float32Array,
    candidates: number,
    horizon: number,
  ): Float32Array | Promise<Float32Array>;
}

/** A {@link SequenceScorer} whose `score` returns synchronously. */
export interface SyncSequenceScorer extends SequenceScorer {
  score(actions: Float32Array, candidates: number, horizon: number): Float32Array;
}

/**
 * Scores action sequences on the tensor backend (learned models), so planning never downloads
 * per-step values. `scoreTensor` must be synchronous; the planner calls it inside `tf.tidy`.
 */
export interface TensorSequenceScorer {
  /** Action dimension A. */
  readonly actionDim: number;
  /** Returns [J] of action sequences [J, H, A]. */
  scoreTensor(actions: tf.Tensor3D): tf.Tensor1D;
}

/** Anything a planner accepts: a JS-side scorer, a tensor scorer, or an object that is both. */
export type AnyScorer = SequenceScorer | TensorSequenceScorer;

/**
 * What a planner needs step by step (DESIGN.md), batched over J candidates. The same shape as
 * `Dynamics` in @vmbrl/world-models (structural, so neither package imports the other). The
 * caller disposes states it no longer needs with `dispose`.
 */
export interface Dynamics<State = unknown, Belief = unknown> {
  /** Action dimension A. */
  readonly actionDim: number;
  /** J copies of the current belief, ready to be stepped. */
  initial(belief: Belief, candidates: number): State;
  /** Advance every candidate by one action; `actions` is row-major [J, A]. */
  step(states: State, actions: Float32Array): State;
  /** Expected reward of each candidate state, [J]. */
  reward(states: State): Float32Array;
  /** Release whatever `initial`/`step` allocated. */
  dispose(states: State): void;
}

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
      checkSequenceShape(actions, candidates, horizon, actionDim);
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

/** Throws unless `actions` holds exactly [candidates, horizon, actionDim] numbers. */
export function checkSequenceShape(
  actions: Float32Array,
  candidates: number,
  horizon: number,
  actionDim: number,
): void {
  const expected = candidates * horizon * actionDim;
  if (!(actions instanceof Float32Array) || actions.length !== expected) {
    throw new Error(
      `actions must be a Float32Array of [J=${candidates}, H=${horizon}, A=${actionDim}] = ${expected} numbers, got ${
        actions instanceof Float32Array ? actions.length : typeof actions
      }`,
    );
  }
}
