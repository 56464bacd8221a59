export * from './config.js';
export * from './types.js';
export { batchToTensors, sliceBatch, validateBatch, type BatchTensors } from './batch.js';
export { freeNatsKl, stateKl } from './free-nats.js';
export { IMAGE_SIZE, imageLoss, maskImages } from './image-loss.js';
export {
  type LatentCore,
  disposeState,
  lastStep,
  stackStates,
  stateFeatures,
  GaussianHead,
  tidyTree,
} from './latent.js';
export { type CoreSizes, RSSM, SSM } from './rssm.js';
export {
  overshootingKl,
  type OvershootingInputs,
  type OvershootingResult,
} from './overshooting.js';
export { type DecodedSteps, type LossModel, decodedSteps, worldModelLoss } from './loss.js';
export { LatentWorldModel, type LatentWorldModelOptions } from './world-model.js';
export { selectSequences, trainStep, type TrainableModel } from './train-step.js';
export { LatentDynamics, latentSequenceScorer } from './dynamics.js';
export { filterStep } from './filter.js';
export { openLoopPrediction, type OpenLoopOptions, type OpenLoopResult } from './open-loop.js';
export { movingSquareBatch, type MovingSquareOptions } from './synthetic.js';
export { sequenceScorer, sumRewards } from './scorer.js';
export { disposeTree, treeTensors } from './latent.js';
export * from './study/index.js';
