import type { RandomSource } from '@vmbrl/core';
/**
 * What every task implements and what its spec says, and helpers of the tasks' logic (random
 * initial joints, tasks without parameters). Building models and specs: `model.ts`.
 */
import type { Physics } from '../mujoco/physics.js';

/** A task bound to one Physics instance. */
export interface Task {
  /** Sets the initial state for an episode (positions, velocities, task parameters). */
  initialize(rng: RandomSource): void;
  /**
   * Reward for the current (already stepped) state and control: in [0, 1] for the suite's
   * tasks; locomotion tasks return forward velocity minus costs (unbounded).
   */
  reward(): number;
  /** Low-dimensional observation in the suite's order. */
  observation(): Float32Array;
  /** Task parameters that live outside the physics state (e.g. a target position). */
  getParams(): number[];
  /** Restores task parameters taken with `getParams`. */
  setParams(params: number[]): void;
  /**
   * Optional: called just before the physics steps of a control step, so a reward can compare
   * the state before and after (e.g. forward displacement / dt).
   */
  beforeStep?(): void;
  /**
   * Optional: true when the current state is terminal (e.g. a walker fell). The environment then
   * ends the episode with discount 0. Tasks without it never terminate early.
   */
  terminated?(): boolean;
}

/** Static description of a task. */
export interface TaskSpec {
  /** Registry name, e.g. 'cartpole-swingup'. */
  name: string;
  /** Domain name: tasks of one domain share a model. */
  domain: string;
  /** MJCF text of the model. */
  xml: string;
  /** Physics steps per control step (control timestep / physics timestep). */
  substeps: number;
  /** Seconds per control step (= physics timestep x substeps). */
  controlTimestep: number;
  /** Control steps per episode. */
  episodeSteps: number;
  /** Length of the low-dimensional observation. */
  observationSize: number;
  /** Binds the task to a physics instance built from `xml`. */
  create(physics: Physics): Task;
}

/** Sets every limited hinge/slide joint uniformly in its range and every unlimited hinge in [-pi, pi]. */
export function randomizeJoints(physics: Physics, rng: RandomSource): void {
  const m = physics.model;
  const type = m.jnt_type as Int32Array;
  const limited = m.jnt_limited as Uint8Array;
  const range = m.jnt_range as Float64Array;
  const adr = m.jnt_qposadr as Int32Array;
  const njnt = m.njnt;
  // Draw all numbers first: the qpos view may not be touched while reading model arrays.
  const values: Array<[number, number]> = [];
  for (let j = 0; j < njnt; j++) {
    const hinge = type[j] === 3;
    const slide = type[j] === 2;
    if (limited[j]) {
      if (hinge || slide) values.push([adr[j], rng.uniform(range[2 * j], range[2 * j + 1])]);
    } else if (hinge) {
      values.push([adr[j], rng.uniform(-Math.PI, Math.PI)]);
    }
  }
  const qpos = physics.v.qpos;
  for (const [a, value] of values) qpos[a] = value;
}

/** Empty task-parameter accessors for tasks without any. */
export const noParams = {
  getParams: (): number[] => [],
  setParams: (params: number[]): void => {
    if (params.length !== 0) throw new Error(`this task has no parameters, got ${params.length}`);
  },
};
