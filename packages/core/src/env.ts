/** The environment contract shared by tasks, wrappers, vectorised environments and agents. */

/** Shape and bounds of an array. */
export interface ArraySpec {
  shape: number[];
  /** Lower bound per element (same for all when a number). */
  min: number;
  /** Upper bound per element. */
  max: number;
  dtype: 'float32' | 'uint8';
}

/** Observation parts an environment can emit. */
export interface Observation {
  /** HWC uint8 image, e.g. 64*64*3. */
  image?: Uint8Array;
  /** Low-dimensional state in the suite's observation order. */
  state?: Float32Array;
}

/** What `reset` and `step` return. */
export interface TimeStep {
  observation: Observation;
  /** Reward of the transition into this step (0 on reset). */
  reward: number;
  /** 1 except at a terminal state (0); time-limit ends keep 1. */
  discount: number;
  /** True on the last step of an episode. */
  last: boolean;
}

/** Specs of the observation parts that are present. */
export interface ObservationSpec {
  image?: ArraySpec;
  state?: ArraySpec;
}

/** A reinforcement-learning environment. */
export interface Env {
  readonly actionSpec: ArraySpec;
  readonly observationSpec: ObservationSpec;
  /** Starts an episode; a seed makes the initial state reproducible. */
  reset(seed?: number): TimeStep;
  /** Applies an action (clipped to its bounds) and advances one control step. */
  step(action: ArrayLike<number>): TimeStep;
  /** Renders the current state from camera 0 as HWC uint8 RGB. */
  render(size?: number): Uint8Array;
  /** Frees the simulator. */
  close(): void;
}

/** Everything needed to put a simulator back exactly where it was. */
export interface SimulatorState {
  /** mj_getState(mjSTATE_INTEGRATION) vector. */
  physics: Float64Array;
  /** Task parameters outside the physics state (e.g. target position). */
  params: number[];
  /** Control steps taken in the episode. */
  step: number;
}

/** An environment whose simulator state can be saved and restored (the true-model oracle). */
export interface SimulatorEnv extends Env {
  getState(): SimulatorState;
  setState(state: SimulatorState): void;
}
