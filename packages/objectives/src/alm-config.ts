/**
 * ALM's hyper-parameters (Ghugare et al. 2023, Table 3 and appendix D; network sizes and the
 * remaining values from the reference code, RajGhugare19/alm cfgs/agent/alm.yaml).
 */
import { type Validator, validator } from '@vmbrl/core';

const check: Validator = validator('ALM config');

export interface AlmConfig {
  /** Discount gamma. Table 3: 0.99. */
  gamma: number;
  /** EMA rate of the target encoder and target critics. Table 3: 0.005. */
  tau: number;
  /** Update the targets every this many updates. Reference code: 1. */
  targetUpdateEvery: number;
  /** Weight lambda of the rollout lengths 1..K in the policy objective. Table 3: 0.95. */
  lambda: number;
  /** Rollout length K of the lower bound and the policy objective (paper: 3; ablations 1, 5). */
  horizon: number;
  /** Batch size. Table 3: 512. */
  batchSize: number;
  /** Adam learning rate of every network. Table 3: 1e-4. */
  lr: number;
  /** Global gradient-norm clip. Table 3: 100. */
  clipNorm: number;
  /** Latent size of z. Table 3: 50. */
  latentDim: number;
  /** Hidden layers of the encoder, policy, reward, classifier and critics. Appendix D: 2 x 512. */
  hidden: number[];
  /** Hidden layers of the latent model. Appendix D: 2 x 1024. */
  modelHidden: number[];
  /** Coefficient c of the classifier reward c log(C / (1 - C)). Table 3: 0.1. */
  classifierRewardScale: number;
  /** Exploration std schedule linear(start, end, duration) over environment steps (Table 3). */
  exploration: { start: number; end: number; duration: number };
  /** Clip of the policy noise inside updates (rollouts, TD targets). Table 3: 0.3. */
  noiseClip: number;
  /** Random actions before learning starts. Table 3: 5000. */
  warmupSteps: number;
  /** Replay capacity. Table 3: 1e5 (1e6 for humanoid). */
  replayCapacity: number;
  /** Ablation: keep the KL consistency term in the lower bound (eq. 7). */
  klTerm: boolean;
  /** Ablation: keep the value term gamma^K Q(z_K, pi(z_K)) (eq. 7 and 8). */
  valueTerm: boolean;
  /** Ablation: keep the classifier reward in the policy objective (eq. 8). */
  classifierReward: boolean;
  /**
   * Discount the terms of eq. 7 by gamma^i as written in the paper. The reference code does
   * not (paper footnote 2), so the default is false.
   */
  discountLowerBound: boolean;
  /** The model-free variant: same networks, TD3-style actor loss, no model. */
  modelFree: boolean;
}

/** Table 3's values: the `paper` preset. */
export const almPaperConfig: AlmConfig = {
  gamma: 0.99,
  tau: 0.005,
  targetUpdateEvery: 1,
  lambda: 0.95,
  horizon: 3,
  batchSize: 512,
  lr: 1e-4,
  clipNorm: 100,
  latentDim: 50,
  hidden: [512, 512],
  modelHidden: [1024, 1024],
  classifierRewardScale: 0.1,
  exploration: { start: 1.0, end: 0.1, duration: 100_000 },
  noiseClip: 0.3,
  warmupSteps: 5000,
  replayCapacity: 100_000,
  klTerm: true,
  valueTerm: true,
  classifierReward: true,
  discountLowerBound: false,
  modelFree: false,
};

/** Named presets: `paper` (Table 3), `quick` (smaller, for a laptop), `debug` (tiny, for tests). */
export const almPresets = {
  paper: almPaperConfig,
  quick: {
    ...almPaperConfig,
    batchSize: 128,
    hidden: [256, 256],
    modelHidden: [512, 512],
    exploration: { start: 1.0, end: 0.1, duration: 20_000 },
    warmupSteps: 2000,
  },
  debug: {
    ...almPaperConfig,
    batchSize: 16,
    latentDim: 8,
    hidden: [32, 32],
    modelHidden: [32, 32],
    exploration: { start: 1.0, end: 0.1, duration: 1000 },
    warmupSteps: 100,
    replayCapacity: 10_000,
  },
} as const satisfies Record<string, AlmConfig>;

export type AlmPresetName = keyof typeof almPresets;

/**
 * A preset with overrides, validated: every bad value is reported with what is allowed.
 * Unknown keys are errors too (a typo must not silently fall back to a default).
 */
export function resolveAlmConfig(
  preset: AlmPresetName = 'paper',
  overrides: Partial<AlmConfig> = {},
): AlmConfig {
  const base = almPresets[preset] as AlmConfig | undefined;
  if (!base) check.fail('preset', preset, Object.keys(almPresets).join(', '));
  for (const key of Object.keys(overrides)) {
    if (!(key in base)) {
      check.fail(
        key,
        overrides[key as keyof AlmConfig],
        `an option among ${Object.keys(base).join(', ')}`,
      );
    }
  }
  const config: AlmConfig = {
    ...base,
    ...overrides,
    exploration: { ...base.exploration, ...overrides.exploration },
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
  check.integer('batchSize', config.batchSize, 1);
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
  check.integer('warmupSteps', config.warmupSteps, 0);
  check.integer('replayCapacity', config.replayCapacity, 1);
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
