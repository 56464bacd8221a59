/**
 * The study's designs by name (paper Table 4) and their configs: typed defaults (the paper's
 * values) with the `paper`, `quick` and `debug` overlays, plus user overrides.
 */
import type { FieldDocs } from '@vmbrl/core';
import { configCheck as check } from '../config.js';
import {
  LATENT_DEFAULTS,
  LATENT_DESIGN_DOCS,
  LATENT_OVERLAYS,
  type LatentDesignConfig,
  validateLatentDesignConfig,
} from './latent-config.js';
import { type DeepPartial, mergeOverrides } from './overlay.js';
import {
  REWARD_ONLY_DEFAULTS,
  REWARD_ONLY_DOCS,
  REWARD_ONLY_OVERLAYS,
  type RewardOnlyConfig,
  validateRewardOnlyConfig,
} from './reward-only-config.js';
import {
  VIDEO_DEFAULTS,
  VIDEO_DESIGN_DOCS,
  VIDEO_OVERLAYS,
  type VideoDesignConfig,
  validateVideoDesignConfig,
} from './video-config.js';

/**
 * The learned designs of Table 4: R (reward only), OTOR / OTLR (observation-space transitions,
 * reward from the predicted observation / the latent states), LTLR / LTOR (latent transitions,
 * reward from the latent states / the predicted observation). The sixth, the Oracle, is the
 * true simulator (see `StudyModel`).
 */
export type StudyDesign = 'R' | 'OTOR' | 'OTLR' | 'LTLR' | 'LTOR';

export const STUDY_DESIGNS: readonly StudyDesign[] = ['R', 'OTOR', 'OTLR', 'LTLR', 'LTOR'];

/** Each design's config type. */
export interface StudyConfigs {
  R: RewardOnlyConfig;
  OTOR: VideoDesignConfig;
  OTLR: VideoDesignConfig;
  LTLR: LatentDesignConfig;
  LTOR: LatentDesignConfig;
}

/** Each design's field docs. */
export const STUDY_DOCS: { [D in StudyDesign]: FieldDocs<StudyConfigs[D]> } = {
  R: REWARD_ONLY_DOCS,
  OTOR: VIDEO_DESIGN_DOCS,
  OTLR: VIDEO_DESIGN_DOCS,
  LTLR: LATENT_DESIGN_DOCS,
  LTOR: LATENT_DESIGN_DOCS,
};

/** Named overlays; `paper` is the defaults themselves. */
export type StudyPreset = 'paper' | 'quick' | 'debug';

export const STUDY_PRESETS: readonly StudyPreset[] = ['paper', 'quick', 'debug'];

function sources<D extends StudyDesign>(
  design: D,
): { defaults: StudyConfigs[D]; overlays: Record<StudyPreset, DeepPartial<StudyConfigs[D]>> } {
  const table = {
    R: { defaults: REWARD_ONLY_DEFAULTS, overlays: REWARD_ONLY_OVERLAYS },
    OTOR: { defaults: VIDEO_DEFAULTS, overlays: VIDEO_OVERLAYS },
    OTLR: { defaults: VIDEO_DEFAULTS, overlays: VIDEO_OVERLAYS },
    LTLR: { defaults: LATENT_DEFAULTS, overlays: LATENT_OVERLAYS },
    LTOR: { defaults: LATENT_DEFAULTS, overlays: LATENT_OVERLAYS },
  };
  return table[design] as never;
}

/**
 * The config of `design` at `preset` with `overrides` merged in (a fresh, validated object).
 * Throws one message naming a bad design, preset or field and what is allowed.
 */
export function resolveStudyConfig<D extends StudyDesign>(
  design: D,
  preset: StudyPreset = 'paper',
  overrides?: DeepPartial<StudyConfigs[D]>,
): StudyConfigs[D] {
  check.oneOf('design', design, STUDY_DESIGNS);
  check.oneOf('preset', preset, STUDY_PRESETS);
  const { defaults, overlays } = sources(design);
  const config = mergeOverrides(
    mergeOverrides(defaults, overlays[preset], design),
    overrides,
    design,
  );
  validateStudyConfig(design, config);
  return config;
}

/** Checks a design's config; throws naming the first bad field. */
export function validateStudyConfig<D extends StudyDesign>(
  design: D,
  config: StudyConfigs[D],
): void {
  if (design === 'R') validateRewardOnlyConfig(config as RewardOnlyConfig, design);
  else if (design === 'OTOR' || design === 'OTLR') {
    validateVideoDesignConfig(config as VideoDesignConfig, design);
  } else if (design === 'LTLR' || design === 'LTOR') {
    validateLatentDesignConfig(config as LatentDesignConfig, design);
  } else check.fail('design', design, STUDY_DESIGNS.join(', '));
}

/**
 * Sequences per update and steps per sequence a design trains on (Tables 11-13): R_recurrent
 * and R_conv windows of horizon + 1 steps, SV2P its context plus predicted frames, the latent
 * designs (and R_LL) their training horizon.
 */
export function studyBatchShape<D extends StudyDesign>(
  design: D,
  config: StudyConfigs[D],
): { batchSize: number; sequenceLength: number } {
  if (design === 'R') {
    const r = config as RewardOnlyConfig;
    if (r.variant === 'R_LL') return studyBatchShape('LTLR', r.latent);
    return { batchSize: r.batchSize, sequenceLength: r.horizon + 1 };
  }
  if (design === 'OTOR' || design === 'OTLR') {
    const v = config as VideoDesignConfig;
    return { batchSize: v.batchSize, sequenceLength: v.inputFrames + v.predictedFrames };
  }
  const l = config as LatentDesignConfig;
  return { batchSize: l.batchSize, sequenceLength: l.sequenceLength };
}
