/**
 * @vmbrl/planners — CEM and random shooting over action-sequence scorers: learned models on the
 * tensor backend (`TensorSequenceScorer`), the true simulator on the JS side
 * (`SequenceScorer`), or any batched step-wise `Dynamics` through `scorerFromDynamics` (the
 * contracts are in @vmbrl/core).
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
  type TensorSequenceScorer,
  isSequenceScorer,
  isTensorScorer,
  scorerFromDynamics,
} from './types.js';
