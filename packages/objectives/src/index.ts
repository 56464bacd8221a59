/**
 * @vmbrl/objectives: Dreamer's actor-critic in imagination and ALM's aligned objectives.
 * Objectives take tensors and callables, so any world model plugs in.
 */
export {
  lambdaReturn,
  nStepReturn,
  rewardSumReturn,
  cumulativeDiscounts,
  type Discounts,
  type ReturnInputs,
} from './returns.js';
export { TargetNetwork } from './target-network.js';
export { type NoiseSource, seededNoise, constantNoise, rsample } from './noise.js';
export {
  ActionModel,
  ValueModel,
  type ActionModelOptions,
  type ValueModelOptions,
} from './dreamer-models.js';
export { actorLoss, valueLoss, contrastiveLoss } from './dreamer-losses.js';
export {
  DreamerBehaviour,
  dreamerBehaviourPresets,
  type DreamerBehaviourOptions,
  type BehaviourMetrics,
  type Imagine,
  type ImaginationPolicy,
  type ImaginedTrajectory,
  type ValueEstimate,
} from './dreamer-behaviour.js';
