import type { FieldDocs } from '@vmbrl/core';
/**
 * Config of the study's design R, reward prediction without observation prediction (appendix
 * B, Tables 8, 9 and 13), with its three variants.
 */
import { configCheck as check } from '../config.js';
import {
  LATENT_DEFAULTS,
  LATENT_DESIGN_DOCS,
  LATENT_OVERLAYS,
  type LatentDesignConfig,
  validateLatentDesignConfig,
} from './latent-config.js';

/**
 * R's variants (paper fig. 10): `R_recurrent` (Table 8, the paper's R), `R_conv` (Table 9,
 * all rewards of the horizon in one shot) and `R_LL` (LTLR with the image loss switched off).
 */
export type RewardOnlyVariant = 'R_recurrent' | 'R_conv' | 'R_LL';

export const REWARD_ONLY_VARIANTS: readonly RewardOnlyVariant[] = ['R_recurrent', 'R_conv', 'R_LL'];

/** R's networks and training. */
export interface RewardOnlyConfig {
  /** Which reward predictor (see {@link RewardOnlyVariant}). */
  variant: RewardOnlyVariant;
  /** Rewards predicted from one observation; the planning horizon (Table 13: 12). */
  horizon: number;
  /** Last-observation encoder: conv 3 x 3 stride 2, LeakyReLU (Tables 8, 9: 32 64 16 8). */
  observationFilters: number[];
  /** Action and last-reward encoders: dense, LeakyReLU (Tables 8, 9: 32 16 8). */
  encoderUnits: number[];
  /** Units of R_recurrent's LSTM (Table 8: 64). */
  lstmUnits: number;
  /** R_recurrent's reward head, ReLU, then one linear unit (Table 8 prints 32, 2). */
  recurrentHead: number[];
  /** R_conv's head, LeakyReLU, then `horizon` linear units (Table 9: 32, 16). */
  convHead: number[];
  /** Adam's learning rate (Table 13: 1e-3). */
  learningRate: number;
  /** Adam's epsilon (Table 13: 1e-3). */
  adamEps: number;
  /** Global gradient-norm clip (not in Table 13; 1000 as every other design). */
  clipNorm: number;
  /** Windows of horizon + 1 steps per update (Table 13: 32). */
  batchSize: number;
  /** R_LL: LTLR's model and training, trained on the reward and KL terms only. */
  latent: LatentDesignConfig;
}

/** One line per field (`vmbrl-online --help --agent study --design R`). */
export const REWARD_ONLY_DOCS: FieldDocs<RewardOnlyConfig> = {
  variant:
    "R_recurrent (Table 8, the paper's R), R_conv (Table 9) or R_LL (LTLR without image loss)",
  horizon: 'rewards predicted from one observation, the planning horizon (Table 13: 12)',
  observationFilters: 'last-observation encoder: conv 3x3 stride-2 filters (Tables 8, 9)',
  encoderUnits: 'action and last-reward encoders: dense widths (Tables 8, 9: 32 16 8)',
  lstmUnits: "R_recurrent's LSTM units (Table 8: 64)",
  recurrentHead: "R_recurrent's reward head widths before the linear unit (Table 8)",
  convHead: "R_conv's head widths before the horizon outputs (Table 9: 32 16)",
  learningRate: "Adam's learning rate (Table 13: 1e-3)",
  adamEps: "Adam's epsilon (Table 13: 1e-3)",
  clipNorm: 'global gradient-norm clip (1000, as every design)',
  batchSize: 'windows of horizon + 1 steps per update (Table 13: 32)',
  latent: LATENT_DESIGN_DOCS,
};

/** Tables 8, 9 and 13. */
export const REWARD_ONLY_DEFAULTS: RewardOnlyConfig = {
  variant: 'R_recurrent',
  horizon: 12,
  observationFilters: [32, 64, 16, 8],
  encoderUnits: [32, 16, 8],
  lstmUnits: 64,
  recurrentHead: [32, 2],
  convHead: [32, 16],
  learningRate: 1e-3,
  adamEps: 1e-3,
  clipNorm: 1000,
  batchSize: 32,
  latent: LATENT_DEFAULTS,
};

/** Overlays of {@link REWARD_ONLY_DEFAULTS}. R is small at the paper's size, so `quick` keeps it. */
export const REWARD_ONLY_OVERLAYS = {
  paper: {},
  quick: { latent: LATENT_OVERLAYS.quick },
  debug: {
    horizon: 3,
    observationFilters: [4, 4, 4, 4],
    encoderUnits: [8, 4],
    lstmUnits: 8,
    recurrentHead: [8],
    convHead: [8],
    batchSize: 4,
    latent: LATENT_OVERLAYS.debug,
  },
} as const;

/** Checks every field; `where` names the design in the message. */
export function validateRewardOnlyConfig(config: RewardOnlyConfig, where: string): void {
  if (!config || typeof config !== 'object') check.fail(where, config, 'a reward-only config');
  const at = (field: string) => `${where}.${field}`;
  check.oneOf(at('variant'), config.variant, REWARD_ONLY_VARIANTS);
  check.integer(at('horizon'), config.horizon, 1);
  check.integerList(at('observationFilters'), config.observationFilters);
  if (config.observationFilters.length > 4) {
    check.fail(at('observationFilters'), config.observationFilters, 'at most 4 stride-2 layers');
  }
  check.integerList(at('encoderUnits'), config.encoderUnits);
  check.integer(at('lstmUnits'), config.lstmUnits, 1);
  check.integerList(at('recurrentHead'), config.recurrentHead);
  check.integerList(at('convHead'), config.convHead);
  check.number(at('learningRate'), config.learningRate, { min: 0, minOpen: true });
  check.number(at('adamEps'), config.adamEps, { min: 0, minOpen: true });
  check.number(at('clipNorm'), config.clipNorm, { min: 0, minOpen: true });
  check.integer(at('batchSize'), config.batchSize, 1);
  validateLatentDesignConfig(config.latent, at('latent'));
}
