/**
 * ALM's learner config (Ghugare et al. 2023): its fields, docs, Table 3's values and validation.
 */
import { type FieldDocs, type Validator, validator } from '@vmbrl/core';

const check: Validator = validator('ALM config');

export interface AlmConfig {
  gamma: number;
  tau: number;
  targetUpdateEvery: number;
  lambda: number;
  horizon: number;
  lr: number;
  clipNorm: number;
  latentDim: number;
  hidden: number[];
  modelHidden: number[];
  classifierRewardScale: number;
  exploration: { start: number; end: number; duration: number };
  noiseClip: number;
  klTerm: boolean;
  valueTerm: boolean;
  classifierReward: boolean;
  // ALM eq. 7 discounts its terms by gamma^i; the reference code does not (paper
  // footnote 2), so the default is false.
  discountLowerBound: boolean;
  modelFree: boolean;
}

/**
 * One line per field; they feed `vmbrl-online --help` and `vmbrl-online presets`. Table 3's
 * batch size (512), warm-up (5000 random steps) and replay capacity (1e5) are the run loop's
 * knobs (`batchSize`, `warmupSteps`, `replayCapacity` of an ALM run).
 */
export const ALM_DOCS: FieldDocs<AlmConfig> = {
  gamma: 'discount gamma (ALM Table 3: 0.99)',
  tau: 'EMA rate of the target encoder and target critics (Table 3: 0.005)',
  targetUpdateEvery: 'update the targets every this many updates (reference code: 1)',
  lambda: 'weight lambda of the rollout lengths 1..K in the policy objective (Table 3: 0.95)',
  horizon: 'rollout length K of the lower bound (ALM eq. 7) and policy objective (paper: 3)',
  lr: 'Adam learning rate of every network (Table 3: 1e-4)',
  clipNorm: 'global gradient-norm clip (Table 3: 100)',
  latentDim: 'size of the latent z (Table 3: 50)',
  hidden: 'hidden layers of the encoder, policy, reward, classifier and critics (2 x 512)',
  modelHidden: 'hidden layers of the latent model (appendix D: 2 x 1024)',
  classifierRewardScale: 'coefficient c of the classifier reward c log(C / (1 - C)) (Table 3: 0.1)',
  exploration: 'exploration std, linear { start, end, duration } over env steps (Table 3)',
  noiseClip: 'clip of the policy noise inside updates (Table 3: 0.3)',
  klTerm: 'ablation: keep the KL consistency term of the lower bound (ALM eq. 7)',
  valueTerm: 'ablation: keep the value term gamma^K Q(z_K, pi(z_K)) (ALM eq. 7 and 8)',
  classifierReward: 'ablation: keep the classifier reward in the policy objective (ALM eq. 8)',
  discountLowerBound: 'discount the terms of ALM eq. 7 by gamma^i as written (reference: no)',
  modelFree: 'the model-free variant: same networks, TD3-style actor loss, no model',
};

/**
 * ALM's hyper-parameters (Ghugare et al. 2023, Table 3 and appendix D; network sizes and the
 * remaining values from the reference code, RajGhugare19/alm cfgs/agent/alm.yaml).
 */
export const almPaperConfig: AlmConfig = {
  gamma: 0.99,
  tau: 0.005,
  targetUpdateEvery: 1,
  lambda: 0.95,
  horizon: 3,
  lr: 1e-4,
  clipNorm: 100,
  latentDim: 50,
  hidden: [512, 512],
  modelHidden: [1024, 1024],
  classifierRewardScale: 0.1,
  exploration: { start: 1.0, end: 0.1, duration: 100_000 },
  noiseClip: 0.3,
  klTerm: true,
  valueTerm: true,
  classifierReward: true,
  discountLowerBound: false,
  modelFree: false,
};

/**
 * Table 3's values with overrides, validated: every bad value is reported with what is allowed.
 * Unknown keys are errors too (a typo must not silently fall back to a default).
 */
export function resolveAlmConfig(overrides: Partial<AlmConfig> = {}): AlmConfig {
  for (const key of Object.keys(overrides)) {
    if (!(key in almPaperConfig)) {
      check.fail(
        key,
        overrides[key as keyof AlmConfig],
        `an option among ${Object.keys(almPaperConfig).join(', ')}`,
      );
    }
  }
  const config: AlmConfig = {
    ...structuredClone(almPaperConfig),
    ...structuredClone(overrides),
    exploration: { ...almPaperConfig.exploration, ...overrides.exploration },
  };
  validateAlmConfig(config);
  return config;
}

/** Throws one clear error for the first invalid value of `config`. */
export function validateAlmConfig(config: AlmConfig): void {
  if (!config || typeof config !== 'object') check.fail('config', config, 'an ALM config');
  check.number('gamma', config.gamma, { min: 0, max: 1 });
  check.number('tau', config.tau, { min: 0, max: 1, minOpen: true });
  check.integer('targetUpdateEvery', config.targetUpdateEvery, 1);
  check.number('lambda', config.lambda, { min: 0, max: 1 });
  check.integer('horizon', config.horizon, 1);
  check.number('lr', config.lr, { min: 0, minOpen: true });
  check.number('clipNorm', config.clipNorm, { min: 0, minOpen: true });
  check.integer('latentDim', config.latentDim, 1);
  check.integerList('hidden', config.hidden);
  check.integerList('modelHidden', config.modelHidden);
  check.number('classifierRewardScale', config.classifierRewardScale, { min: 0 });
  const exploration = config.exploration;
  if (!exploration || typeof exploration !== 'object') {
    check.fail('exploration', exploration, '{ start, end, duration }');
  }
  check.number('exploration.start', exploration.start, { min: 0, minOpen: true });
  check.number('exploration.end', exploration.end, { min: 0, minOpen: true });
  check.integer('exploration.duration', exploration.duration, 1);
  check.number('noiseClip', config.noiseClip, { min: 0, minOpen: true });
  for (const flag of [
    'klTerm',
    'valueTerm',
    'classifierReward',
    'discountLowerBound',
    'modelFree',
  ] as const) {
    check.boolean(flag, config[flag]);
  }
}

/**
 * The exploration std at environment step `step`: linear from `start` to `end` over `duration`
 * steps, then constant (the reference code's linear_schedule).
 */
export function explorationStd(
  step: number,
  schedule: { start: number; end: number; duration: number },
): number {
  if (!(Number.isFinite(step) && step >= 0)) {
    throw new Error(`explorationStd: step must be a non-negative number, got ${step}`);
  }
  const progress = Math.min(step / schedule.duration, 1);
  return schedule.end + (1 - progress) * (schedule.start - schedule.end);
}
