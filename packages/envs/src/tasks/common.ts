import type { RandomSource } from '@vmbrl/core';
/**
 * Pieces shared by the task models: the look of the DeepMind Control Suite (materials, sky,
 * checkered floor, headlight) and the interface every task implements.
 */
import type { Physics } from '../mujoco/physics.js';

/**
 * Assets and visual settings common to all tasks. Colours follow the suite: the body is tan
 * ("self"), effectors darker orange, decorations blue, targets red-brown; the floor is a blue-grey
 * checker and the sky a blue-to-black gradient.
 */
export const SUITE_ASSETS = `
  <visual>
    <headlight ambient="0.4 0.4 0.4" diffuse="0.8 0.8 0.8" specular="0.1 0.1 0.1"/>
    <map znear="0.01"/>
  </visual>
  <asset>
    <texture name="skybox" type="skybox" builtin="gradient" rgb1="0.4 0.6 0.8" rgb2="0 0 0"
      width="64" height="64"/>
    <texture name="grid" type="2d" builtin="checker" rgb1="0.1 0.2 0.3" rgb2="0.2 0.3 0.4"
      width="64" height="64"/>
    <material name="grid" texture="grid" texrepeat="1 1" texuniform="true" reflectance="0.2"/>
    <material name="self" rgba="0.7 0.5 0.3 1"/>
    <material name="effector" rgba="0.7 0.4 0.2 1"/>
    <material name="decoration" rgba="0.3 0.5 0.7 1"/>
    <material name="target" rgba="0.6 0.3 0.3 1"/>
    <material name="site" rgba="0.5 0.5 0.5 0.3"/>
  </asset>`;

/** Small heap per MjData: the suite's models need far less than MuJoCo's default reservation. */
export const SMALL_MEMORY = '<size memory="256K"/>';

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

/** What the tasks of one domain share: the model and its control timing. */
export type TaskModel = Pick<TaskSpec, 'domain' | 'xml' | 'substeps' | 'controlTimestep'>;

/** The model of `domain`: `substeps` physics steps per control step of `controlTimestep` s. */
export function taskModel(
  domain: string,
  xml: string,
  substeps: number,
  controlTimestep: number,
): TaskModel {
  return { domain, xml, substeps, controlTimestep };
}

/** Control steps per episode of every task (the suite's and Gym's time limit). */
export const EPISODE_STEPS = 1000;

/** A task named `name` on `model`, observing `observationSize` numbers, for 1000 control steps. */
export function taskSpec(
  name: string,
  model: TaskModel,
  observationSize: number,
  create: (physics: Physics) => Task,
): TaskSpec {
  return { name, ...model, episodeSteps: EPISODE_STEPS, observationSize, create };
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
