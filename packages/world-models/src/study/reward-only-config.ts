/**
 * Config of the study's design R, reward prediction without observation prediction (appendix
 * B, Tables 8, 9 and 13), with its three variants.
 */
import { fail, oneOf, positive, positiveInt, positiveIntList } from '../validate.js';
import {
  LATENT_DEFAULTS,
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
  if (!config || typeof config !== 'object') fail(where, config, 'a reward-only config');
  const at = (field: string) => `${where}.${field}`;
  oneOf(at('variant'), config.variant, REWARD_ONLY_VARIANTS);
  positiveInt(at('horizon'), config.horizon);
  positiveIntList(at('observationFilters'), config.observationFilters);
  if (config.observationFilters.length > 4) {
    fail(at('observationFilters'), config.observationFilters, 'at most 4 stride-2 layers');
  }
  positiveIntList(at('encoderUnits'), config.encoderUnits);
  positiveInt(at('lstmUnits'), config.lstmUnits);
  positiveIntList(at('recurrentHead'), config.recurrentHead);
  positiveIntList(at('convHead'), config.convHead);
  positive(at('learningRate'), config.learningRate);
  positive(at('adamEps'), config.adamEps);
  positive(at('clipNorm'), config.clipNorm);
  positiveInt(at('batchSize'), config.batchSize);
  validateLatentDesignConfig(config.latent, at('latent'));
}
