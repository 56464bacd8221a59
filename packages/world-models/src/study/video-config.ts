/**
 * Config of the study's pixel-space designs OTOR and OTLR: an SV2P video model (Babaeizadeh et
 * al. 2018; appendix B.1, Table 11) and a reward network on its predicted frames (OTOR) or on
 * its ConvLSTM states (OTLR).
 */
import type { FieldDocs } from '@vmbrl/core';
import { configCheck as check } from '../config.js';
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

/** One line per field (`vmbrl-online --help --agent study --design OTOR`). */
export const VIDEO_DESIGN_DOCS: FieldDocs<VideoDesignConfig> = {
  shareLatent:
    'the reward loss trains the video model too (paper: false; fig. 7 asks the question)',
  inputFrames: 'context frames the tower is conditioned on (Table 11: 2)',
  predictedFrames: 'frames predicted after the context per training sequence (Table 11: 12)',
  encoderFilters: "filters of the tower's first 5x5 stride-2 convolution (SV2P: 32)",
  lstmWidths: 'widths of the 7 ConvLSTMs (Table 14; model 6, the full one: 32 32 64 64 128 64 32)',
  lstmKernel: 'kernel side of every ConvLSTM (SV2P: 5)',
  masks: 'CDNA kernels, each with its own mask (Table 11: 10)',
  kernelSize: 'side of the CDNA kernels (Table 11: DNA kernel size 5)',
  reluShift: "shift of the kernels' ReLU before normalisation (Table 11: 1e-12)",
  latentChannels: 'channels of the 8x8 latent z (Table 11: 1)',
  latentMinLogVar: "floor of the posterior's log variance (Table 11: -5)",
  latentFilters: "filters of the posterior's 3 convolutions (SV2P: 32 64 64)",
  klScale: 'beta, weight of KL[q(z | frames) || N(0, I)] (Table 11: 1e-3)',
  rewardScale: 'weight of the reward loss (Table 11: 1)',
  scheduledSamplingSteps:
    'updates over which scheduled sampling moves from true to predicted frames (SV2P: 10000)',
  rewardNet: {
    filters: "OTOR's reward net on predicted frames: conv 3x3 stride-2 filters (Table 8)",
    hidden: "OTOR's reward net: dense widths after the convolutions (Table 9)",
  },
  stateRewardNet: {
    filters: "OTLR's reward net: conv filters on each ConvLSTM state",
    perMap: "OTLR's reward net: features kept per ConvLSTM state",
    hidden: "OTLR's reward net: dense widths on the aggregated features",
  },
  learningRate: "Adam's learning rate (Table 11: 1e-3)",
  adamEps: "Adam's epsilon (Table 11: 1e-3)",
  clipNorm: 'global gradient-norm clip (study code: 1000)',
  batchSize: 'sequences per update (Table 11: 64)',
};

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
  if (!Number.isInteger(id) || id < 1 || id > 6)
    check.fail('table14 model id', id, 'an integer 1..6');
  return VIDEO_DEFAULTS.lstmWidths.map((w) => w / 2 ** (6 - id));
}

/** Overlays of {@link VIDEO_DEFAULTS}: `quick` fits a CPU, `debug` fits a unit test. */
export const VIDEO_OVERLAYS = {
  paper: {},
  // Table 14's model 2 (a sixteenth of every ConvLSTM width) with the convolutions around it
  // cut alike, and 8 sequences per update. At this size a predicted frame costs about 8 ms of
  // CPU per candidate, most of it the fixed 64 x 64 work (first convolution, last up-sampling,
  // CDNA), so model 3 or larger buys little accuracy per second; docs/PERFORMANCE.md has the
  // measurements.
  quick: {
    encoderFilters: 4,
    lstmWidths: table14Widths(2),
    latentFilters: [4, 8, 8],
    rewardNet: { filters: [16, 32, 16, 8], hidden: [32, 16] },
    batchSize: 8,
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

/** A list of exactly `length` integers >= 1. */
function listOf(length: number, field: string, value: unknown): void {
  check.integerList(field, value);
  if ((value as number[]).length !== length) {
    check.fail(field, value, `a list of ${length} integers >= 1`);
  }
}

/** Checks every field; `where` names the design in the message. */
export function validateVideoDesignConfig(config: VideoDesignConfig, where: string): void {
  if (!config || typeof config !== 'object') check.fail(where, config, 'a video design config');
  const at = (field: string) => `${where}.${field}`;
  check.boolean(at('shareLatent'), config.shareLatent);
  check.integer(at('inputFrames'), config.inputFrames, 1);
  check.integer(at('predictedFrames'), config.predictedFrames, 1);
  check.integer(at('encoderFilters'), config.encoderFilters, 1);
  listOf(7, at('lstmWidths'), config.lstmWidths);
  for (const field of ['lstmKernel', 'kernelSize'] as const) {
    const k = config[field];
    if (!Number.isInteger(k) || k < 1 || k % 2 === 0)
      check.fail(at(field), k, 'an odd integer >= 1');
  }
  check.integer(at('masks'), config.masks, 1);
  check.number(at('reluShift'), config.reluShift, { min: 0, minOpen: true });
  check.integer(at('latentChannels'), config.latentChannels, 1);
  if (typeof config.latentMinLogVar !== 'number' || !Number.isFinite(config.latentMinLogVar)) {
    check.fail(at('latentMinLogVar'), config.latentMinLogVar, 'a finite number');
  }
  listOf(3, at('latentFilters'), config.latentFilters);
  check.number(at('klScale'), config.klScale, { min: 0 });
  check.number(at('rewardScale'), config.rewardScale, { min: 0 });
  if (!Number.isInteger(config.scheduledSamplingSteps) || config.scheduledSamplingSteps < 0) {
    check.fail(at('scheduledSamplingSteps'), config.scheduledSamplingSteps, 'an integer >= 0');
  }
  check.integerList(at('rewardNet.filters'), config.rewardNet?.filters);
  if (config.rewardNet.filters.length > 4) {
    check.fail(at('rewardNet.filters'), config.rewardNet.filters, 'at most 4 stride-2 layers');
  }
  check.integerList(at('rewardNet.hidden'), config.rewardNet.hidden);
  check.integerList(at('stateRewardNet.filters'), config.stateRewardNet?.filters);
  check.integer(at('stateRewardNet.perMap'), config.stateRewardNet.perMap, 1);
  check.integerList(at('stateRewardNet.hidden'), config.stateRewardNet.hidden);
  check.number(at('learningRate'), config.learningRate, { min: 0, minOpen: true });
  check.number(at('adamEps'), config.adamEps, { min: 0, minOpen: true });
  check.number(at('clipNorm'), config.clipNorm, { min: 0, minOpen: true });
  check.integer(at('batchSize'), config.batchSize, 1);
}
