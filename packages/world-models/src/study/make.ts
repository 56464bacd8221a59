/** Builds any design of the study from its name, preset and overrides. */
import { LatentStudyModel } from './latent-model.js';
import type { DeepPartial } from './overlay.js';
import { RewardOnlyModel } from './reward-only-model.js';
import {
  type StudyConfigs,
  type StudyDesign,
  type StudyPreset,
  resolveStudyConfig,
  validateStudyConfig,
} from './study-config.js';
import type { StudyModel } from './types.js';
import { VideoStudyModel } from './video-model.js';

/** Construction options shared by every design. */
export interface StudyModelOptions {
  /** Action dimension A of the task. */
  actionDim: number;
  /** Seed of the run; parameters and sampling noise derive from it. */
  seed: number;
  /**
   * Largest B * L pushed through one forward/backward pass of an image model; bigger batches
   * accumulate gradients (defaults: 512 for the latent designs, 28 for the video model).
   */
  maxFramesPerPass?: number;
}

/** The model of `design` with a resolved config (see `resolveStudyConfig`). */
export function createStudyModel<D extends StudyDesign>(
  design: D,
  config: StudyConfigs[D],
  options: StudyModelOptions,
): StudyModel {
  validateStudyConfig(design, config);
  if (!Number.isInteger(options.actionDim) || options.actionDim < 1) {
    throw new Error(`createStudyModel: actionDim ${options.actionDim} must be an integer >= 1`);
  }
  switch (design) {
    case 'R': {
      const r = config as StudyConfigs['R'];
      if (r.variant === 'R_LL') return new LatentStudyModel(r.latent, 'R_LL', options);
      return new RewardOnlyModel(r, options);
    }
    case 'LTLR':
    case 'LTOR':
      return new LatentStudyModel(config as StudyConfigs['LTLR'], design, options);
    default:
      return new VideoStudyModel(
        config as StudyConfigs['OTOR'],
        design as 'OTOR' | 'OTLR',
        options,
      );
  }
}

/** `createStudyModel` from a preset name plus overrides. */
export function studyModelFromPreset<D extends StudyDesign>(
  design: D,
  preset: StudyPreset,
  options: StudyModelOptions,
  overrides?: DeepPartial<StudyConfigs[D]>,
): StudyModel {
  return createStudyModel(design, resolveStudyConfig(design, preset, overrides), options);
}
