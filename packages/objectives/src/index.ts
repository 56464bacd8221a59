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
  type DreamerBehaviourOptions,
  type BehaviourMetrics,
  type Imagine,
  type ImaginationPolicy,
  type ImaginedTrajectory,
  type ValueEstimate,
} from './dreamer-behaviour.js';
export {
  type AlmConfig,
  almPaperConfig,
  ALM_DOCS,
  resolveAlmConfig,
  validateAlmConfig,
  explorationStd,
} from './alm-config.js';
export {
  type AlmFunctions,
  type PolicyNoise,
  type LowerBoundOptions,
  type PolicyLossOptions,
  noisyPolicy,
  lowerBoundLoss,
  policyLoss,
  classifierLoss,
  tdLoss,
  rewardLoss,
  modelFreeActorLoss,
} from './alm-losses.js';
export { AlmNetworks, GaussianMlp, LayerNormHead, TwinCritic } from './alm-networks.js';
export {
  AlmLearner,
  type AlmMetrics,
  type AlmSequenceBatch,
  type AlmTransitionBatch,
} from './alm-learner.js';
