/**
 * Sequence scorers over the true simulator, for planning with CEM "+ true simulator" (PlaNet
 * Table 1). Both are `SequenceScorer`s (@vmbrl/core): `actionDim` and
 * `score(actions [J, H, A], J, H) -> returns [J]`.
 */
import {
  type SequenceScorer,
  type SimulatorEnv,
  type SimulatorState,
  type Validator,
  checkActionSequences,
  validator,
} from '@vmbrl/core';
import { type EnvConfig, makeWrappedEnv } from '../make.js';
import { VectorEnv } from '../vector-env.js';
import { type ScoreJob, checkPlanningEnv, scoreSequencesOn } from './score.js';

const check: Validator = validator('oracle');

/** Options of the simulator scorers. */
export interface SimulatorScorerOptions {
  /**
   * Control steps per planned action, rewards summed (PlaNet: cartpole 8, ...). Leave 1 when the
   * env is already wrapped in ActionRepeat. Default 1.
   */
  actionRepeat?: number;
}

/**
 * Scores candidate sequences on one env in this thread. Candidates start from the belief set
 * with `setBelief`, or from the env's current state when none is set; the env is put back
 * where it was after every call, so the env being acted in can be passed directly.
 */
export class SimulatorScorer implements SequenceScorer {
  readonly actionDim: number;
  readonly actionRepeat: number;
  private belief: SimulatorState | undefined;

  constructor(
    readonly env: SimulatorEnv,
    options: SimulatorScorerOptions = {},
  ) {
    checkPlanningEnv(env);
    this.actionDim = env.actionSpec.shape[0] as number;
    this.actionRepeat = check.integer('actionRepeat', options.actionRepeat ?? 1, 1);
  }

  /** Plan from `state` (e.g. the acting env's `getState()`); undefined: the env's own state. */
  setBelief(state: SimulatorState | undefined): void {
    this.belief = state;
  }

  /** Returns [J] of `candidates` sequences of `horizon` actions (row-major [J, H, A]). */
  score(actions: Float32Array, candidates: number, horizon: number): Float32Array {
    return scoreSequencesOn(this.env, {
      state: this.belief ?? this.env.getState(),
      actions,
      candidates,
      horizon,
      actionRepeat: this.actionRepeat,
    });
  }
}

/** Options of {@link ParallelSimulatorScorer.create}. */
export interface ParallelSimulatorScorerOptions extends SimulatorScorerOptions {
  /** Worker threads, each with its own copy of the env. Default 2. */
  workers?: number;
}

/**
 * Scores candidate sequences on copies of an env in worker threads (VectorEnv's workers): the
 * J candidates are split into contiguous shares, one per worker. Returns equal the
 * single-thread {@link SimulatorScorer}'s exactly. Call `setBelief` before `score`, `close`
 * when done.
 */
export class ParallelSimulatorScorer implements SequenceScorer {
  private belief: SimulatorState | undefined;

  private constructor(
    private readonly envs: VectorEnv,
    readonly actionDim: number,
    readonly actionRepeat: number,
  ) {}

  /**
   * Starts `workers` threads each building `config` (which must have no pixels and no action
   * noise: planning needs neither).
   */
  static async create(
    config: EnvConfig,
    options: ParallelSimulatorScorerOptions = {},
  ): Promise<ParallelSimulatorScorer> {
    const workers = check.integer('workers', options.workers ?? 2, 1);
    const actionRepeat = check.integer('actionRepeat', options.actionRepeat ?? 1, 1);
    if (config.pixels)
      throw new Error('the oracle env config must not render pixels (pixels: false)');
    if (config.actionNoise)
      throw new Error('the oracle env config must not add action noise (actionNoise: 0)');
    // A local copy tells the action size (and reports a bad config before threads start).
    const probe = await makeWrappedEnv(config);
    const actionDim = probe.actionSpec.shape[0] as number;
    probe.close();
    const envs = await VectorEnv.create(new Array(workers).fill(config), { workers });
    return new ParallelSimulatorScorer(envs, actionDim, actionRepeat);
  }

  /** Plan from `state`, a `getState()` of an env built from the same config. */
  setBelief(state: SimulatorState): void {
    this.belief = state;
  }

  /** Returns [J] of `candidates` sequences of `horizon` actions (row-major [J, H, A]). */
  async score(actions: Float32Array, candidates: number, horizon: number): Promise<Float32Array> {
    if (!this.belief)
      throw new Error('ParallelSimulatorScorer: call setBelief(state) before score');
    checkActionSequences(actions, candidates, horizon, this.actionDim, 'oracle');
    const n = this.envs.size;
    const share = Math.ceil(candidates / n);
    const rowSize = horizon * this.actionDim;
    const jobs: Array<ScoreJob | null> = [];
    for (let w = 0; w < n; w++) {
      const from = Math.min(candidates, w * share);
      const to = Math.min(candidates, from + share);
      jobs.push(
        to > from
          ? {
              state: this.belief,
              actions: actions.slice(from * rowSize, to * rowSize),
              candidates: to - from,
              horizon,
              actionRepeat: this.actionRepeat,
            }
          : null,
      );
    }
    const parts = await this.envs.scoreSequences(jobs);
    const returns = new Float32Array(candidates);
    parts.forEach((part, w) => {
      if (part) returns.set(part, w * share);
    });
    return returns;
  }

  /** Stops the workers. */
  close(): Promise<void> {
    return this.envs.close();
  }
}
