/**
 * @vmbrl/envs — MuJoCo (WebAssembly) control tasks from pixels and from state, a ray-cast
 * renderer, wrappers and a true-simulator oracle.
 */
export { ControlEnv, type ControlEnvOptions } from './control-env.js';
export { getTaskSpec, listTasks, makeEnv } from './registry.js';
export { Renderer } from './render/renderer.js';
export { Physics } from './mujoco/physics.js';
export { getMujoco, compileModel, setMujocoUrl, type Mujoco } from './mujoco/module.js';
export { tolerance, sigmoid, type Sigmoid, type ToleranceOptions } from './tolerance.js';
export type { Task, TaskSpec } from './tasks/common.js';
export {
  GYM_TASKS,
  ant,
  antTruncated,
  halfCheetah,
  hopper,
  humanoid,
  humanoidTruncated,
  walker2d,
} from './tasks/gym/index.js';
export { DerivedForces, LocomotionTask } from './tasks/gym/locomotion.js';
export {
  ActionNoise,
  ActionRepeat,
  EnvWrapper,
  PixelObservation,
  TimeLimit,
} from './wrappers/wrappers.js';
export { type EnvConfig, makeWrappedEnv } from './make.js';
export { VectorEnv, type VectorEnvOptions, resolveWorkerFile } from './vector-env.js';
export {
  ParallelSimulatorScorer,
  type ParallelSimulatorScorerOptions,
  SimulatorScorer,
  type SimulatorScorerOptions,
} from './oracle/simulator-scorer.js';
export { type ScoreJob, scoreSequencesOn } from './oracle/score.js';
