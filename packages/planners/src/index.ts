/**
 * @vmbrl/planners — CEM and random shooting over action-sequence scorers: learned models on the
 * tensor backend (`TensorSequenceScorer`), the true simulator on the JS side
 * (`SequenceScorer`), or any batched step-wise `Dynamics` through `scorerFromDynamics`.
 */
export { cem, type CemOptions, type CemResult } from './cem.js';
export {
  randomShooting,
  type RandomShootingOptions,
  type RandomShootingResult,
} from './random-shooting.js';
export type { PlannerOptions } from './options.js';
export {
  type AnyScorer,
  type Dynamics,
  type SequenceScorer,
  type SyncSequenceScorer,
  type TensorSequenceScorer,
  isSequenceScorer,
  isTensorScorer,
  scorerFromDynamics,
} from './types.js';
