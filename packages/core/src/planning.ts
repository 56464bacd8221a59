/**
 * What a planner needs: scorers of whole action sequences, and step-wise dynamics batched over
 * J candidates. The learned latent model, pixel-space models and the true simulator implement
 * them; the planners only see these shapes.
 */
import { type Validator, validator } from './validate.js';

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
 * Scores action sequences on a tensor backend (learned models), so planning never downloads
 * per-step values: `Actions` is a [J, H, A] tensor and the result a [J] tensor of returns
 * (@vmbrl/planners fixes them to TensorFlow.js types). `scoreTensor` must be synchronous; the
 * planner calls it inside `tf.tidy`.
 */
export interface TensorSequenceScorer<Actions = unknown, Returns = unknown> {
  /** Action dimension A. */
  readonly actionDim: number;
  /** Returns [J] of action sequences [J, H, A]. */
  scoreTensor(actions: Actions): Returns;
}

/**
 * What a planner needs step by step, batched over J candidates. The caller disposes states it
 * no longer needs with `dispose`.
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

/**
 * Throws unless `actions` holds exactly [candidates, horizon, actionDim] numbers (the layout of
 * every scorer), with `candidates` and `horizon` integers >= 1. `where` names the caller.
 */
export function checkActionSequences(
  actions: Float32Array,
  candidates: number,
  horizon: number,
  actionDim: number,
  where = 'score',
): void {
  const check: Validator = validator(where);
  check.integer('candidates', candidates, 1);
  check.integer('horizon', horizon, 1);
  const expected = candidates * horizon * actionDim;
  if (!(actions instanceof Float32Array) || actions.length !== expected) {
    check.fail(
      'actions',
      actions instanceof Float32Array ? `${actions.length} numbers` : typeof actions,
      `a Float32Array of [J=${candidates}, H=${horizon}, A=${actionDim}] = ${expected} numbers`,
    );
  }
}
