/**
 * Configs of the study's designs with latent transitions (appendix B, Table 12): LTLR (PlaNet),
 * LTOR (reward from the decoded frame) and R_LL (LTLR without the image loss).
 */
import type { FieldDocs } from '@vmbrl/core';
import {
  MODEL_DOCS,
  PRESETS,
  type WorldModelConfig,
  configCheck as check,
  validateConfig,
} from '../config.js';
import type { ImageRewardNetConfig } from './reward-nets.js';

/** A latent design's model, reward path and training batch. */
export interface LatentDesignConfig {
  /**
   * The RSSM, encoder, decoder and loss weights (Table 12). The capacity knobs of Table 15 are
   * fields of it: `hiddenSize` and the `rewardHidden` widths are the "units in fully connected
   * layers", `deterSize` the "units in deterministic path" (see {@link table15Capacity}).
   */
  model: WorldModelConfig;
  /**
   * Whether the reward loss trains the representation too (the paper's LTLR and LTOR: true);
   * false stops its gradient at the features (LTLR) or the decoded frame (LTOR), the study
   * code's `reward_stop_gradient` (paper fig. 7).
   */
  shareLatent: boolean;
  /** LTOR's reward network on decoded frames (unused by LTLR and R_LL). */
  rewardNet: ImageRewardNetConfig;
  /** Sequences per update (Table 12: 50). */
  batchSize: number;
  /** Steps per training sequence, the "number of predicted frames" (Table 12: 12). */
  sequenceLength: number;
}

/** One line per field (`vmbrl-online --help --agent study --design LTLR`). */
export const LATENT_DESIGN_DOCS: FieldDocs<LatentDesignConfig> = {
  model: MODEL_DOCS,
  shareLatent:
    'the reward loss trains the representation too (paper fig. 7; false stops its gradient)',
  rewardNet: {
    filters: "LTOR's reward net on decoded frames: conv 3x3 stride-2 filters (Table 8)",
    hidden: "LTOR's reward net: dense widths after the convolutions (Table 9)",
  },
  batchSize: 'sequences per update (Table 12: 50)',
  sequenceLength: 'steps per training sequence, the predicted frames (Table 12: 12)',
};

/**
 * Table 12 on PlaNet's defaults: 200 deterministic and 30 stochastic units, 300 units in the
 * fully connected layers (the transition's hidden layers and 3 reward layers), 3 free nats,
 * min std 0.1, Adam 1e-3 with epsilon 1e-3, batch 50 of 12 steps, reward scale 10. The rest
 * follows PlaNet (5-bit images, clip 1000).
 */
export const LATENT_DEFAULTS: LatentDesignConfig = {
  model: {
    ...PRESETS.paper,
    hiddenSize: 300,
    rewardHidden: [300, 300, 300],
    adamEps: 1e-3,
  },
  shareLatent: true,
  // Table 8's observation encoder and Table 9's head (reward-nets.ts).
  rewardNet: { filters: [32, 64, 16, 8], hidden: [32, 16] },
  batchSize: 50,
  sequenceLength: 12,
};

/** Overlays of {@link LATENT_DEFAULTS}: `quick` fits a CPU, `debug` fits a unit test. */
export const LATENT_OVERLAYS = {
  paper: {},
  // PlaNet's `quick` world model (128/30/128, conv depth 8) with the study's batch shape cut to
  // 16 sequences; the reward network at half width.
  quick: {
    model: { ...PRESETS.quick, adamEps: 1e-3 },
    rewardNet: { filters: [16, 32, 16, 8], hidden: [32, 16] },
    batchSize: 16,
  },
  debug: {
    model: { ...PRESETS.debug, adamEps: 1e-3 },
    rewardNet: { filters: [4, 4, 4, 4], hidden: [8] },
    batchSize: 2,
    sequenceLength: 4,
  },
} as const;

/**
 * Table 15's downsized LTLR models 1-9 as overrides of `model`: fc units -> `hiddenSize` and
 * every reward layer, deterministic units -> `deterSize`.
 */
export function table15Capacity(
  id: number,
  layers = 3,
): Pick<WorldModelConfig, 'hiddenSize' | 'rewardHidden' | 'deterSize'> {
  const fc = [100, 100, 100, 50, 50, 50, 200, 200, 200];
  const deter = [200, 100, 50, 200, 100, 50, 200, 100, 50];
  if (!Number.isInteger(id) || id < 1 || id > 9)
    check.fail('table15 model id', id, 'an integer 1..9');
  const units = fc[id - 1] as number;
  return {
    hiddenSize: units,
    rewardHidden: new Array<number>(layers).fill(units),
    deterSize: deter[id - 1] as number,
  };
}

/** Checks every field; `where` names the design in the message. */
export function validateLatentDesignConfig(config: LatentDesignConfig, where: string): void {
  if (!config || typeof config !== 'object') check.fail(where, config, 'a latent design config');
  validateConfig(config.model);
  // A design's targets are the design itself (Table 4): its image term is reconstruction.
  check.oneOf(`${where}.model.objective`, config.model.objective, ['reconstruction']);
  if (config.model.imageEvery !== 1) {
    check.fail(
      `${where}.model.imageEvery`,
      config.model.imageEvery,
      '1 (the study decodes every step)',
    );
  }
  check.boolean(`${where}.shareLatent`, config.shareLatent);
  check.integerList(`${where}.rewardNet.filters`, config.rewardNet?.filters);
  if (config.rewardNet.filters.length > 4) {
    check.fail(`${where}.rewardNet.filters`, config.rewardNet.filters, 'at most 4 stride-2 layers');
  }
  check.integerList(`${where}.rewardNet.hidden`, config.rewardNet.hidden);
  check.integer(`${where}.batchSize`, config.batchSize, 1);
  check.integer(`${where}.sequenceLength`, config.sequenceLength, 1);
}
