/**
 * Dreamer's part of the online config (Hafner et al. 2020, appendix B): behaviour learning in
 * imagination on top of the same world model and replay as PlaNet. Presets `paper`, `quick`
 * (CPU) and `debug` (seconds); ablation knobs for the value estimate and the horizon.
 */
import type { DreamerBehaviourOptions, ValueEstimate } from '@vmbrl/objectives';
import type { WorldModelConfig } from '@vmbrl/world-models';

/** Value estimate the actor maximises: V_lambda (eq. 6), V_R (eq. 4, no value model), V_N^k (eq. 5). */
export type DreamerValueEstimate = 'lambda' | 'reward-sum' | 'n-step';

/** Dreamer's behaviour-learning knobs. */
export interface DreamerConfig {
  /** Imagination horizon H (paper 20; reference code 15). */
  horizon: number;
  /** 'lambda' (default), 'reward-sum' (actor without value model) or 'n-step'. */
  valueEstimate: DreamerValueEstimate;
  /** k of V_N^k when valueEstimate is 'n-step'. */
  nStep: number;
  /** Discount gamma of the imagined rewards (0.99). */
  gamma: number;
  /** lambda of V_lambda (0.95). */
  lambda: number;
  /** Adam learning rate of the action model (paper 3e-4). */
  actorLr: number;
  /** Adam learning rate of the value model (paper 3e-4). */
  valueLr: number;
  /** Global-norm gradient clipping of both behaviour optimisers (reference code 100). */
  clipNorm: number;
  /**
   * Adam's epsilon for both behaviour optimisers (reference code 1e-7, Keras' default). With
   * per-weight actor gradients far below it, Adam's steps follow the gradient's size, not
   * only its sign.
   */
  adamEps: number;
  /** Copy the value model into the slow target every this many updates (paper 100; 0 = none). */
  targetUpdateEvery: number;
  /**
   * Weight of the actor's entropy bonus, eta * mean(-log q(a | s)) over imagined actions
   * (0 = the paper's loss; DreamerV2 adds one against an early collapse of the action model).
   */
  actorEntropy: number;
  /**
   * Std of the action model's pre-tanh Gaussian at initialisation (reference code 5: nearly
   * every early imagined action is then at +-1; smaller keeps them where the seed data is).
   */
  actorInitStd: number;
  /** Hidden layer sizes of the action model (paper 3 x 300, ELU). */
  actorHidden: number[];
  /** Hidden layer sizes of the value model (paper 3 x 300, ELU). */
  valueHidden: number[];
}

/** The presets Dreamer runs under (the same names as PlaNet's). */
export type DreamerPresetName = 'paper' | 'quick' | 'debug';

/** Dreamer fixes the action repeat to 2 on every task (paper, appendix B). */
export const DREAMER_ACTION_REPEAT = 2;

const PAPER: DreamerConfig = {
  horizon: 20,
  valueEstimate: 'lambda',
  nStep: 5,
  gamma: 0.99,
  lambda: 0.95,
  actorLr: 3e-4,
  valueLr: 3e-4,
  clipNorm: 100,
  targetUpdateEvery: 100,
  actorEntropy: 0,
  actorInitStd: 5,
  adamEps: 1e-7,
  actorHidden: [300, 300, 300],
  valueHidden: [300, 300, 300],
};

/** Behaviour knobs per preset. */
export const DREAMER_PRESETS: Readonly<Record<DreamerPresetName, DreamerConfig>> = {
  paper: PAPER,
  // Smaller networks and horizon so that an update stays a fraction of the world-model step
  // on 2 CPU cores (timings in the README).
  // An entropy bonus and a narrower initial action distribution keep the action model off
  // +-1 while the small world model is still poor (docs/results/dreamer-trials.md).
  quick: {
    ...PAPER,
    horizon: 10,
    targetUpdateEvery: 50,
    actorEntropy: 3e-3,
    actorInitStd: 1,
    actorHidden: [128, 128],
    valueHidden: [128, 128],
  },
  debug: {
    ...PAPER,
    horizon: 3,
    targetUpdateEvery: 2,
    actorHidden: [16, 16],
    valueHidden: [16, 16],
  },
};

/**
 * Loop fields Dreamer sets differently from PlaNet's preset of the same name (everything else,
 * the world model included, is PlaNet's: same loss, same batch). `quick` fits its world model
 * on the seed episodes for 1000 updates before behaviour learning starts: without that, the
 * action model saturates on its first episodes (docs/results/dreamer-trials.md).
 */
export const DREAMER_LOOP_OVERRIDES: Readonly<
  Record<
    DreamerPresetName,
    { updatesPerEpisode: number; pretrainUpdates: number; batchSize: number; chunkLength: number }
  >
> = {
  paper: { updatesPerEpisode: 100, pretrainUpdates: 0, batchSize: 50, chunkLength: 50 },
  quick: { updatesPerEpisode: 100, pretrainUpdates: 1000, batchSize: 8, chunkLength: 32 },
  debug: { updatesPerEpisode: 2, pretrainUpdates: 0, batchSize: 2, chunkLength: 6 },
};

/**
 * World-model fields Dreamer's presets set on top of PlaNet's model preset: `quick` decodes
 * every other step (its updates are 1.3x faster; Dreamer's world model has 4x more steps per
 * episode to fit at action repeat 2 than PlaNet's at 8).
 */
export const DREAMER_MODEL_OVERRIDES: Readonly<
  Record<DreamerPresetName, Partial<WorldModelConfig>>
> = {
  paper: {},
  quick: { imageEvery: 2 },
  debug: {},
};

/** True for the preset names Dreamer has. */
export function isDreamerPreset(name: string): name is DreamerPresetName {
  return name in DREAMER_PRESETS;
}

/** The Dreamer config of `preset` with `overrides` applied (validated). */
export function resolveDreamerConfig(
  preset: DreamerPresetName,
  overrides: Partial<DreamerConfig> = {},
): DreamerConfig {
  const config = { ...structuredClone(DREAMER_PRESETS[preset]), ...overrides };
  validateDreamerConfig(config);
  return config;
}

function fail(field: string, value: unknown, allowed: string): never {
  throw new Error(
    `online config: dreamer.${field} = ${JSON.stringify(value)} is invalid; allowed: ${allowed}`,
  );
}

function positiveInteger(field: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(field, value, `an integer >= ${min}`);
  }
}

function unitInterval(field: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    fail(field, value, 'a number in [0, 1]');
}

function positiveNumber(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(field, value, 'a finite number > 0');
  }
}

function hidden(field: string, value: unknown): void {
  if (!Array.isArray(value) || value.length < 1)
    fail(field, value, 'a non-empty list of integers >= 1');
  for (const size of value) {
    if (!Number.isInteger(size) || size < 1)
      fail(field, value, 'a non-empty list of integers >= 1');
  }
}

/** Dreamer fields added after checkpoints may have been written, with the value those runs used. */
const ADDED_FIELDS: Partial<DreamerConfig> = { actorInitStd: 5 };

/** A saved Dreamer config with the fields added since it was written filled in (a new object). */
export function upgradeDreamerConfig(saved: DreamerConfig): DreamerConfig {
  return { ...structuredClone(ADDED_FIELDS), ...structuredClone(saved) };
}

/** Checks every Dreamer field; one error names the first bad field and what is allowed. */
export function validateDreamerConfig(config: DreamerConfig): void {
  if (!config || typeof config !== 'object') fail('', config, 'an object');
  const estimates: DreamerValueEstimate[] = ['lambda', 'reward-sum', 'n-step'];
  if (!estimates.includes(config.valueEstimate)) {
    fail('valueEstimate', config.valueEstimate, estimates.join(', '));
  }
  // V_lambda and V_N bootstrap from the value of the last imagined state, so they need H >= 2;
  // V_R with H = 1 fails inside the gradient of the behaviour update (tfjs), so 2 for all.
  positiveInteger('horizon', config.horizon, 2);
  positiveInteger('nStep', config.nStep, 1);
  unitInterval('gamma', config.gamma);
  unitInterval('lambda', config.lambda);
  positiveNumber('actorLr', config.actorLr);
  positiveNumber('valueLr', config.valueLr);
  positiveNumber('clipNorm', config.clipNorm);
  positiveInteger('targetUpdateEvery', config.targetUpdateEvery, 0);
  positiveNumber('adamEps', config.adamEps);
  if (typeof config.actorEntropy !== 'number' || !(config.actorEntropy >= 0)) {
    fail('actorEntropy', config.actorEntropy, 'a number >= 0');
  }
  positiveNumber('actorInitStd', config.actorInitStd);
  hidden('actorHidden', config.actorHidden);
  hidden('valueHidden', config.valueHidden);
}

/** The value estimate in @vmbrl/objectives' terms. */
export function objectivesValueEstimate(config: DreamerConfig): ValueEstimate {
  if (config.valueEstimate === 'reward-sum') return 'reward';
  if (config.valueEstimate === 'n-step') return { nStep: config.nStep };
  return 'lambda';
}

/** Options of @vmbrl/objectives' `DreamerBehaviour` for `config`. */
export function behaviourOptions(config: DreamerConfig, seed: number): DreamerBehaviourOptions {
  return {
    gamma: config.gamma,
    lambda: config.lambda,
    valueEstimate: objectivesValueEstimate(config),
    actorLr: config.actorLr,
    valueLr: config.valueLr,
    clipNorm: config.clipNorm,
    adamEps: config.adamEps,
    targetUpdateEvery: config.targetUpdateEvery,
    entropyScale: config.actorEntropy,
    actor: { hidden: [...config.actorHidden], initStd: config.actorInitStd },
    value: { hidden: [...config.valueHidden] },
    seed,
  };
}
