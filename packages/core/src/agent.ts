/**
 * The agent contract: `policy(obs, state, {explore}) -> {action, state}`, `train(batch) ->
 * metrics`, `save(dir)`, `load(dir)`. The run loop only talks to agents through it; what a
 * batch is (chunks of L rows, K-step transitions) is between an agent and the sampler its
 * definition gives the loop.
 */
import type { SequenceBatch } from './batch.js';
import type { SimulatorState } from './env.js';

/** What an agent sees at one step. */
export interface AgentObservation {
  /** HWC uint8 image (64*64*3). */
  image?: Uint8Array;
  /** Low-dimensional state, when the env keeps it. */
  state?: Float32Array;
  /** The reward that came with this observation (0 at the reset); the study's R reads it. */
  reward?: number;
  /** The acting simulator's state; filled in only for agents with `needsSimulatorState`. */
  simulator?: SimulatorState;
}

/** Where training stands, for agents whose behaviour follows a schedule (exploration noise). */
export interface TrainingProgress {
  /** Control steps of training episodes collected so far. */
  envStep: number;
}

/** Options of one `policy` call. */
export interface PolicyOptions {
  /** Add exploration noise (training episodes) or act greedily (evaluation). */
  explore: boolean;
  /** Control steps of training collected so far, for scheduled exploration (default 0). */
  envStep?: number;
}

/** What `policy` returns. */
export interface PolicyResult<S> {
  /** Action in the env's bounds, [A]. */
  action: Float32Array;
  /** The agent's recurrent state after this step (pass it to the next call). */
  state: S;
}

/**
 * An agent acting online and, when it learns, training on batches drawn from its replay: `S`
 * is its per-episode state, `B` its training batch.
 */
export interface Agent<S = unknown, B = SequenceBatch> {
  /** Action dimension A. */
  readonly actionDim: number;
  /** False for agents without parameters (the simulator oracle): the loop skips updates. */
  readonly learns: boolean;
  /** True when `policy` needs `observation.simulator` (the true-simulator oracle). */
  readonly needsSimulatorState: boolean;
  /**
   * Chooses the action for `observation`. `state` is null at the first step of an episode (the
   * reset observation), afterwards the state the previous call returned.
   */
  policy(
    observation: AgentObservation,
    state: S | null,
    options: PolicyOptions,
  ): Promise<PolicyResult<S>>;
  /** Releases a state the loop no longer needs (end of an episode). */
  disposeState(state: S | null): void;
  /** One update on a batch; returns numbers to log (empty for the oracle). */
  train(batch: B, progress: TrainingProgress): Record<string, number>;
  /**
   * One update of the world model alone (pretraining); agents whose `train` is exactly that
   * (PlaNet) leave it out.
   */
  trainWorldModel?(batch: B, progress: TrainingProgress): Record<string, number>;
  /** Writes parameters, optimiser and random-stream states into `dir`. */
  save(dir: string): Promise<void>;
  /** Restores what `save` wrote. */
  load(dir: string): Promise<void>;
  /** Frees tensors and workers. */
  dispose(): Promise<void>;
}
