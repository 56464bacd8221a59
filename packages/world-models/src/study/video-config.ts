/**
 * Config of the study's pixel-space designs OTOR and OTLR: an SV2P video model (Babaeizadeh et
 * al. 2018; appendix B.1, Table 11) and a reward network on its predicted frames (OTOR) or on
 * its ConvLSTM states (OTLR).
 */
import { boolean, fail, nonNegative, positive, positiveInt, positiveIntList } from '../validate.js';
import type { ImageRewardNetConfig, StateRewardNetConfig } from './reward-nets.js';

/** The SV2P video model, its reward network and its training. */
export interface VideoDesignConfig {
  /**
   * Whether the reward loss trains the video model too; false (the paper's OTOR and OTLR) stops
   * its gradient at the predicted frame (OTOR) or at the ConvLSTM states (OTLR) (paper fig. 7).
   */
  shareLatent: boolean;
  /** Context frames the tower is conditioned on before predicting (Table 11: 2). */
  inputFrames: number;
  /** Frames predicted after the context per training sequence (Table 11: 12). */
  predictedFrames: number;
  /** Filters of the tower's first convolution, 5 x 5 stride 2 (SV2P: 32). */
  encoderFilters: number;
  /** Widths of the tower's 7 ConvLSTMs (Table 14; model 6, the full model: 32 32 64 64 128 64 32). */
  lstmWidths: number[];
  /** Kernel side of every ConvLSTM (SV2P: 5). */
  lstmKernel: number;
  /** CDNA kernels, each with its own mask (Table 11: 10). */
  masks: number;
  /** Side of the CDNA kernels (Table 11's "DNA kernel size": 5). */
  kernelSize: number;
  /** Shift of the kernels' ReLU before normalisation (Table 11: 1e-12). */
  reluShift: number;
  /** Channels of the 8 x 8 latent z (Table 11: 1). */
  latentChannels: number;
  /** Floor of the posterior's log variance (Table 11: -5). */
  latentMinLogVar: number;
  /** Filters of the posterior's convolutions (SV2P: 32, 64, 64). */
  latentFilters: number[];
  /** Weight beta of KL[q(z | frames) || N(0, I)] (Table 11: 1e-3). */
  klScale: number;
  /** Weight of the reward loss (Table 11: 1). */
  rewardScale: number;
  /**
   * Updates over which scheduled sampling moves from feeding true frames to feeding predicted
   * ones after the context (SV2P's hparams: 10000); 0 feeds predictions from the start.
   */
  scheduledSamplingSteps: number;
  /** OTOR's reward network on predicted frames. */
  rewardNet: ImageRewardNetConfig;
  /** OTLR's reward network on the ConvLSTM states. */
  stateRewardNet: StateRewardNetConfig;
  /** Adam's learning rate (Table 11: 1e-3). */
  learningRate: number;
  /** Adam's epsilon (Table 11: 1e-3). */
  adamEps: number;
  /** Global gradient-norm clip (the study code's SV2P training: 1000). */
  clipNorm: number;
  /** Sequences per update (Table 11: 64). */
  batchSize: number;
}

/** Table 11 with the rest from SV2P (Babaeizadeh et al. 2018) and the study code. */
export const VIDEO_DEFAULTS: VideoDesignConfig = {
  shareLatent: false,
  inputFrames: 2,
  predictedFrames: 12,
  encoderFilters: 32,
  lstmWidths: [32, 32, 64, 64, 128, 64, 32],
  lstmKernel: 5,
  masks: 10,
  kernelSize: 5,
  reluShift: 1e-12,
  latentChannels: 1,
  latentMinLogVar: -5,
  latentFilters: [32, 64, 64],
  klScale: 1e-3,
  rewardScale: 1,
  scheduledSamplingSteps: 10000,
  rewardNet: { filters: [32, 64, 16, 8], hidden: [32, 16] },
  stateRewardNet: { filters: [16, 8, 4], perMap: 8, hidden: [32, 16] },
  learningRate: 1e-3,
  adamEps: 1e-3,
  clipNorm: 1000,
  batchSize: 64,
};

/** Table 14's ConvLSTM widths of the downsized models 1-6 (6 = the full model). */
export function table14Widths(id: number): number[] {
  if (!Number.isInteger(id) || id < 1 || id > 6) fail('table14 model id', id, 'an integer 1..6');
  return VIDEO_DEFAULTS.lstmWidths.map((w) => w / 2 ** (6 - id));
}

/** Overlays of {@link VIDEO_DEFAULTS}: `quick` fits a CPU, `debug` fits a unit test. */
export const VIDEO_OVERLAYS = {
  paper: {},
  // Table 14's model 3 (an eighth of every ConvLSTM width) with the convolutions around it cut
  // alike, and 16 sequences per update.
  quick: {
    encoderFilters: 8,
    lstmWidths: table14Widths(3),
    latentFilters: [8, 16, 16],
    rewardNet: { filters: [16, 32, 16, 8], hidden: [32, 16] },
    batchSize: 16,
  },
  debug: {
    predictedFrames: 3,
    encoderFilters: 2,
    lstmWidths: table14Widths(1),
    lstmKernel: 3,
    masks: 2,
    kernelSize: 3,
    latentFilters: [2, 2, 2],
    rewardNet: { filters: [4, 4, 4, 4], hidden: [8] },
    stateRewardNet: { filters: [2, 2, 2], perMap: 2, hidden: [8] },
    batchSize: 2,
  },
} as const;

/** Checks every field; `where` names the design in the message. */
export function validateVideoDesignConfig(config: VideoDesignConfig, where: string): void {
  if (!config || typeof config !== 'object') fail(where, config, 'a video design config');
  const at = (field: string) => `${where}.${field}`;
  boolean(at('shareLatent'), config.shareLatent);
  positiveInt(at('inputFrames'), config.inputFrames);
  positiveInt(at('predictedFrames'), config.predictedFrames);
  positiveInt(at('encoderFilters'), config.encoderFilters);
  positiveIntList(at('lstmWidths'), config.lstmWidths, 7);
  for (const field of ['lstmKernel', 'kernelSize'] as const) {
    const k = config[field];
    if (!Number.isInteger(k) || k < 1 || k % 2 === 0) fail(at(field), k, 'an odd integer >= 1');
  }
  positiveInt(at('masks'), config.masks);
  positive(at('reluShift'), config.reluShift);
  positiveInt(at('latentChannels'), config.latentChannels);
  if (typeof config.latentMinLogVar !== 'number' || !Number.isFinite(config.latentMinLogVar)) {
    fail(at('latentMinLogVar'), config.latentMinLogVar, 'a finite number');
  }
  positiveIntList(at('latentFilters'), config.latentFilters, 3);
  nonNegative(at('klScale'), config.klScale);
  nonNegative(at('rewardScale'), config.rewardScale);
  if (!Number.isInteger(config.scheduledSamplingSteps) || config.scheduledSamplingSteps < 0) {
    fail(at('scheduledSamplingSteps'), config.scheduledSamplingSteps, 'an integer >= 0');
  }
  positiveIntList(at('rewardNet.filters'), config.rewardNet?.filters);
  if (config.rewardNet.filters.length > 4) {
    fail(at('rewardNet.filters'), config.rewardNet.filters, 'at most 4 stride-2 layers');
  }
  positiveIntList(at('rewardNet.hidden'), config.rewardNet.hidden);
  positiveIntList(at('stateRewardNet.filters'), config.stateRewardNet?.filters);
  positiveInt(at('stateRewardNet.perMap'), config.stateRewardNet.perMap);
  positiveIntList(at('stateRewardNet.hidden'), config.stateRewardNet.hidden);
  positive(at('learningRate'), config.learningRate);
  positive(at('adamEps'), config.adamEps);
  positive(at('clipNorm'), config.clipNorm);
  positiveInt(at('batchSize'), config.batchSize);
}
