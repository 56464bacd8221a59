/**
 * The inner loop of planning with the true simulator (PlaNet's "CEM + true simulator" row):
 * from a saved state, play each candidate action sequence and add up its rewards.
 */
import {
  type SimulatorEnv,
  type SimulatorState,
  checkActionSequences,
  validator,
} from '@vmbrl/core';
import { ActionNoise, EnvWrapper, PixelObservation } from '../wrappers/wrappers.js';

/** One batch of candidate sequences to score from `state`; serialisable for env workers. */
export interface ScoreJob {
  /** Belief: the simulator state every candidate starts from. */
  state: SimulatorState;
  /** Row-major [candidates, horizon, A]. */
  actions: Float32Array;
  candidates: number;
  horizon: number;
  /** Control steps per action (1 when the env already repeats actions). */
  actionRepeat: number;
}

/**
 * Rejects wrappers that would make planning wrong or slow: ActionNoise (planning would draw
 * from the real env's noise stream) and PixelObservation (renders every planning step).
 */
export function checkPlanningEnv(env: SimulatorEnv): void {
  if (typeof env?.getState !== 'function' || typeof env.setState !== 'function') {
    throw new Error('the oracle needs a SimulatorEnv (with getState/setState)');
  }
  for (let e: unknown = env; e instanceof EnvWrapper; e = e.env) {
    if (e instanceof ActionNoise) {
      throw new Error(
        'the oracle cannot plan on an env with ActionNoise: it would consume the real noise stream; pass the env without it',
      );
    }
    if (e instanceof PixelObservation) {
      throw new Error(
        'the oracle cannot plan on an env with PixelObservation (it would render every planning step); pass the env without it',
      );
    }
  }
}

/**
 * Returns [J] of the job's sequences on `env`: each candidate starts from `job.state`, plays its
 * H actions, each repeated `actionRepeat` times, and sums the rewards until the episode ends.
 * The env's own state is restored afterwards.
 */
export function scoreSequencesOn(env: SimulatorEnv, job: ScoreJob): Float32Array {
  const { actions, candidates, horizon } = job;
  const repeat = validator('oracle').integer('actionRepeat', job.actionRepeat, 1);
  const actionDim = env.actionSpec.shape[0] as number;
  checkActionSequences(actions, candidates, horizon, actionDim, 'oracle');
  const returns = new Float32Array(candidates);
  const saved = env.getState();
  try {
    for (let j = 0; j < candidates; j++) {
      env.setState(job.state);
      let total = 0;
      let ended = false;
      for (let t = 0; t < horizon && !ended; t++) {
        const from = (j * horizon + t) * actionDim;
        const action = actions.subarray(from, from + actionDim);
        for (let r = 0; r < repeat && !ended; r++) {
          const ts = env.step(action);
          total += ts.reward;
          ended = ts.last;
        }
      }
      returns[j] = total;
    }
  } finally {
    env.setState(saved);
  }
  return returns;
}
