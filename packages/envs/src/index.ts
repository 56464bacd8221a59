/**
 * @vmbrl/envs — MuJoCo (WebAssembly) control tasks from pixels and from state, a ray-cast
 * renderer, wrappers and a true-simulator oracle.
 */
export * from './portable.js';
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
export { VectorEnv, type VectorEnvOptions, resolveWorkerFile } from './vector-env.js';
export {
  ParallelSimulatorScorer,
  type ParallelSimulatorScorerOptions,
  SimulatorScorer,
  type SimulatorScorerOptions,
} from './oracle/simulator-scorer.js';
export { type ScoreJob, scoreSequencesOn } from './oracle/score.js';
