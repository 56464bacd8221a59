/**
 * Typed configuration of a PlaNet-style world model, with named presets and validation.
 *
 * Defaults follow the PlaNet paper (appendix A) and, where the paper is silent, the authors'
 * reference code (danijar/planet): GRU 200, latent 30 with min std 0.1, hidden 200, reward head
 * 3 x 300, reward scale 10, 3 free nats, Adam 1e-3 / eps 1e-4 / clip 1000, 5-bit images.
 */
import {
  type FieldDocs,
  type Overlay,
  type PresetName,
  type PresetTable,
  type Validator,
  resolvePreset,
  validator,
} from '@vmbrl/core';

/** Which latent transition model to use (PlaNet section 3 and figure 2). */
export type ModelVariant = 'rssm' | 'ssm' | 'rnn';

/**
 * How free nats are applied to the KL term (all three are in use):
 * - `clampPerStep`: mean over (batch, time) of max(KL_t, free) — the PlaNet reference code
 *   (`compute_losses`) and the PyTorch anchor;
 * - `hingePerStep`: mean over (batch, time) of max(0, KL_t - free) — same gradient as
 *   `clampPerStep`, the value is lower by `free`;
 * - `clampMean`: max(mean KL, free) — Dreamer clamps the averaged KL.
 */
export type FreeNatsConvention = 'clampPerStep' | 'hingePerStep' | 'clampMean';

/**
 * Which part of the image target enters the reconstruction loss. The encoder always sees the
 * full image; only the target (and the matching part of the prediction) changes.
 * - `full`: every pixel;
 * - `centerCrop`: the central `size` x `size` pixels;
 * - `resize`: both target and prediction area-downsampled to `size` x `size` (size divides 64).
 */
export type ImageLossMask =
  | { kind: 'full' }
  | { kind: 'centerCrop'; size: number }
  | { kind: 'resize'; size: number };

/**
 * What the representation learns from besides rewards (Dreamer section 4, Fig. 8):
 * - `reconstruction`: the image decoder's log-likelihood (PlaNet, Dreamer's default);
 * - `contrastive`: no decoder; a state model q(s_t | o_t) and the InfoNCE bound of Dreamer
 *   eq. 12 over the batch's observations (the bound itself comes from the caller, see
 *   `LatentWorldModelOptions.contrastiveLoss`);
 * - `reward`: no observation term at all, rewards and the KL only.
 */
export type RepresentationObjective = 'reconstruction' | 'contrastive' | 'reward';

/** Latent overshooting (PlaNet eq. 7). `distance` 1 is the standard bound (PlaNet eq. 3). */
export interface OvershootingConfig {
  /** Largest prediction distance D (>= 1). */
  distance: number;
  /** beta_1..beta_D; defaults to 1 for every distance. Length must equal `distance`. */
  betas?: number[];
}

/** Everything that determines a world model's architecture and loss (docs: MODEL_DOCS). */
export interface WorldModelConfig {
  variant: ModelVariant;
  objective: RepresentationObjective;
  deterSize: number;
  stochSize: number;
  hiddenSize: number;
  rewardHidden: number[];
  cnnDepth: number;
  minStd: number;
  freeNats: number;
  freeNatsConvention: FreeNatsConvention;
  klScale: number;
  rewardScale: number;
  imageScale: number;
  imageLossMask: ImageLossMask;
  // The image term stays an unbiased per-frame mean when only every k-th step is decoded (a
  // random phase per update), and the decoder, most of an update's time on a CPU, runs on 1/k.
  imageEvery: number;
  overshooting: OvershootingConfig;
  bitDepth: number;
  learningRate: number;
  // Off by default: PlaNet's reference code warms up over 10k updates, more than a CPU hour holds.
  lrWarmup: number;
  adamEps: number;
  clipNorm: number;
}

/** One line per field; they feed `vmbrl-online --help` and `vmbrl-online presets`. */
export const MODEL_DOCS: FieldDocs<WorldModelConfig> = {
  variant:
    'latent transition model: rssm (PlaNet), ssm (stochastic only), rnn (deterministic only)',
  objective:
    'representation objective: reconstruction (image decoder), contrastive (state model, Dreamer eq. 12, weighted by imageScale) or reward (rewards only)',
  deterSize: 'size of the deterministic GRU state h (unused by ssm)',
  stochSize: 'size of the stochastic latent s',
  hiddenSize: 'width of the hidden layers of the transition, prior and posterior networks',
  rewardHidden: 'hidden layer widths of the reward head (reference code: 3 x 300)',
  cnnDepth: 'channel multiplier of the conv encoder and decoder (paper: 32)',
  minStd: 'lower bound added to softplus for the latent standard deviations',
  freeNats: 'nats of KL per step that are not penalised (PlaNet: 3)',
  freeNatsConvention: 'how free nats apply: clampPerStep, hingePerStep or clampMean',
  klScale: 'multiplier of the KL term',
  rewardScale: 'multiplier of the reward log-likelihood (reference code: 10)',
  imageScale: 'multiplier of the observation term (image log-likelihood, or the contrastive bound)',
  imageLossMask:
    'part of the image target in the loss: full, centerCrop or resize ({ kind, size })',
  imageEvery: 'decode every k-th step of a training chunk for the image term (1 = every step)',
  overshooting: 'latent overshooting (PlaNet eq. 7): { distance D, betas? }; distance 1 = eq. 3',
  bitDepth: 'bits per colour channel fed to the network (PlaNet: 5; 8 = no reduction)',
  learningRate: 'Adam learning rate',
  lrWarmup:
    'updates over which the learning rate rises linearly from 0 (PlaNet reference code: 10000; 0 = none)',
  adamEps: "Adam's epsilon",
  clipNorm: 'global gradient-norm clip (PlaNet: 1000)',
};

/** PlaNet's world model (appendix A and the reference code): the `paper` preset. */
export const MODEL_DEFAULTS: WorldModelConfig = {
  variant: 'rssm',
  objective: 'reconstruction',
  deterSize: 200,
  stochSize: 30,
  hiddenSize: 200,
  rewardHidden: [300, 300, 300],
  cnnDepth: 32,
  minStd: 0.1,
  freeNats: 3,
  freeNatsConvention: 'clampPerStep',
  klScale: 1,
  rewardScale: 10,
  imageScale: 1,
  imageLossMask: { kind: 'full' },
  imageEvery: 1,
  overshooting: { distance: 1 },
  bitDepth: 5,
  learningRate: 1e-3,
  lrWarmup: 0,
  adamEps: 1e-4,
  clipNorm: 1000,
};

/** What `quick` and `debug` change: sizes small enough for a CPU. */
export const MODEL_OVERLAYS: Readonly<Record<PresetName, Overlay<WorldModelConfig>>> = {
  paper: {},
  // The latent sizes cost little in a CPU update (the conv decoder dominates) but more in CEM;
  // 128/30/128 with 100 updates per episode learned cartpole-swingup where 64/16/64 with 50
  // did not (docs/RESULTS.md); the two were not tried apart.
  quick: { deterSize: 128, hiddenSize: 128, rewardHidden: [128, 128], cnnDepth: 8 },
  debug: { deterSize: 16, stochSize: 4, hiddenSize: 16, rewardHidden: [16], cnnDepth: 4 },
};

/** The world model's preset table (defaults, overlays, docs). */
export const MODEL_PRESETS: PresetTable<WorldModelConfig> = {
  defaults: MODEL_DEFAULTS,
  overlays: MODEL_OVERLAYS,
  docs: MODEL_DOCS,
};

/** Every preset resolved (kept for code that reads whole presets). */
export const PRESETS: Readonly<Record<PresetName, WorldModelConfig>> = {
  paper: resolvePreset(MODEL_PRESETS, 'paper'),
  quick: resolvePreset(MODEL_PRESETS, 'quick'),
  debug: resolvePreset(MODEL_PRESETS, 'debug'),
};

export type { PresetName };

const VARIANTS: readonly ModelVariant[] = ['rssm', 'ssm', 'rnn'];
const OBJECTIVES: readonly RepresentationObjective[] = ['reconstruction', 'contrastive', 'reward'];
const CONVENTIONS: readonly FreeNatsConvention[] = ['clampPerStep', 'hingePerStep', 'clampMean'];

/** The checks of every world-model config (this one and the study's designs), one message format. */
export const configCheck: Validator = validator('world-models config');
const check = configCheck;

/** Fields added after checkpoints may have been written, with the value those runs used. */
const ADDED_FIELDS: Partial<WorldModelConfig> = {
  imageEvery: 1,
  objective: 'reconstruction',
  lrWarmup: 0,
};

/** A saved config with the fields added since it was written filled in (a new object). */
export function upgradeConfig(saved: WorldModelConfig): WorldModelConfig {
  return { ...structuredClone(ADDED_FIELDS), ...structuredClone(saved) };
}

/** JSON with object keys sorted at every level: equal configs give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Resolve a preset plus overrides into a validated config (a fresh object).
 * Throws one clear error naming the bad field and what is allowed.
 */
export function resolveConfig(
  preset: PresetName = 'paper',
  overrides: Partial<WorldModelConfig> = {},
): WorldModelConfig {
  const base = PRESETS[preset];
  if (!base) check.fail('preset', preset, Object.keys(PRESETS).join(', '));
  const config: WorldModelConfig = { ...structuredClone(base), ...structuredClone(overrides) };
  validateConfig(config);
  return config;
}

/** Check every field of a config; throws on the first invalid one. */
export function validateConfig(config: WorldModelConfig): void {
  if (!config || typeof config !== 'object') check.fail('model', config, 'a world-model config');
  check.oneOf('variant', config.variant, VARIANTS);
  check.oneOf('objective', config.objective, OBJECTIVES);
  check.integer('deterSize', config.deterSize, 1);
  check.integer('stochSize', config.stochSize, 1);
  check.integer('hiddenSize', config.hiddenSize, 1);
  check.integer('cnnDepth', config.cnnDepth, 1);
  check.integerList('rewardHidden', config.rewardHidden);
  check.number('minStd', config.minStd, { min: 0, minOpen: true });
  check.number('freeNats', config.freeNats, { min: 0 });
  check.oneOf('freeNatsConvention', config.freeNatsConvention, CONVENTIONS);
  check.number('klScale', config.klScale, { min: 0 });
  check.number('rewardScale', config.rewardScale, { min: 0 });
  check.number('imageScale', config.imageScale, { min: 0 });
  validateMask(config.imageLossMask);
  check.integer('imageEvery', config.imageEvery, 1);
  const over = config.overshooting;
  if (!over || typeof over !== 'object') check.fail('overshooting', over, '{ distance, betas? }');
  check.integer('overshooting.distance', over.distance, 1);
  if (over.betas !== undefined) {
    if (!Array.isArray(over.betas) || over.betas.length !== over.distance) {
      check.fail('overshooting.betas', over.betas, `an array of ${over.distance} numbers >= 0`);
    }
    over.betas.forEach((b, i) => check.number(`overshooting.betas[${i}]`, b, { min: 0 }));
  }
  check.integer('bitDepth', config.bitDepth, 1, 8);
  check.number('learningRate', config.learningRate, { min: 0, minOpen: true });
  check.integer('lrWarmup', config.lrWarmup, 0);
  check.number('adamEps', config.adamEps, { min: 0, minOpen: true });
  check.number('clipNorm', config.clipNorm, { min: 0, minOpen: true });
}

function validateMask(mask: ImageLossMask): void {
  if (!mask || typeof mask !== 'object') {
    check.fail('imageLossMask', mask, "{ kind: 'full' } or ...");
  }
  if (mask.kind === 'full') return;
  if (mask.kind === 'centerCrop') {
    check.integer('imageLossMask.size', mask.size, 1, 64);
    return;
  }
  if (mask.kind === 'resize') {
    if (!Number.isInteger(mask.size) || mask.size < 1 || 64 % mask.size !== 0) {
      check.fail(
        'imageLossMask.size',
        mask.size,
        'a divisor of 64 (1, 2, 4, 8, 16, 32, 64) for resize',
      );
    }
    return;
  }
  check.fail('imageLossMask.kind', (mask as { kind: unknown }).kind, 'full, centerCrop, resize');
}

/** beta_1..beta_D for overshooting, filling the default of 1. */
export function overshootingBetas(config: WorldModelConfig): number[] {
  const { distance, betas } = config.overshooting;
  return betas ? [...betas] : new Array<number>(distance).fill(1);
}
