/** The design-choice study's world models (paper Table 4), behind one `StudyModel` interface. */
export type { StudyModel, StudyPrediction, StudyScorer, StudyStep } from './types.js';
export {
  STUDY_DESIGNS,
  STUDY_DOCS,
  STUDY_PRESETS,
  type StudyConfigs,
  type StudyDesign,
  type StudyPreset,
  resolveStudyConfig,
  studyBatchShape,
  validateStudyConfig,
} from './study-config.js';
export { type DeepPartial, mergeOverrides } from './overlay.js';
export { createStudyModel, studyModelFromPreset, type StudyModelOptions } from './make.js';
export {
  LATENT_DEFAULTS,
  LATENT_DESIGN_DOCS,
  LATENT_OVERLAYS,
  type LatentDesignConfig,
  table15Capacity,
} from './latent-config.js';
export {
  VIDEO_DEFAULTS,
  VIDEO_DESIGN_DOCS,
  VIDEO_OVERLAYS,
  type VideoDesignConfig,
  table14Widths,
} from './video-config.js';
export {
  REWARD_ONLY_DEFAULTS,
  REWARD_ONLY_DOCS,
  REWARD_ONLY_OVERLAYS,
  REWARD_ONLY_VARIANTS,
  type RewardOnlyConfig,
  type RewardOnlyVariant,
} from './reward-only-config.js';
export { LatentStudyModel, type LatentVariant } from './latent-model.js';
export { upgradeLatentDesign } from './checkpoint.js';
export { latentDesignLoss, type LatentDesignParts } from './latent-loss.js';
export { RewardOnlyModel, type RewardOnlyBelief } from './reward-only-model.js';
export { VideoStudyModel, type VideoBelief } from './video-model.js';
export { Sv2pNetwork, type TowerState, type TowerStep } from './sv2p.js';
export { cdnaComposite, dnaTransform, normaliseKernels } from './cdna.js';
export { ConvLSTMCell, LSTMCell, type LstmState, SpatialLayerNorm } from './cells.js';
export {
  ImageRewardNet,
  type ImageRewardNetConfig,
  ObservationEncoder,
  StateRewardNet,
  type StateRewardNetConfig,
} from './reward-nets.js';
