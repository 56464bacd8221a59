/**
 * Typed configuration of a PlaNet-style world model, with named presets and validation.
 *
 * Defaults follow the PlaNet paper (appendix A) and, where the paper is silent, the authors'
 * reference code (danijar/planet): GRU 200, latent 30 with min std 0.1, hidden 200, reward head
 * 3 x 300, reward scale 10, 3 free nats, Adam 1e-3 / eps 1e-4 / clip 1000, 5-bit images.
 */
import { type Validator, validator } from '@vmbrl/core';

/** Which latent transition model to use (PlaNet section 3 and figure 2). */
export type ModelVariant = 'rssm' | 'ssm' | 'rnn';

/**
 * How free nats are applied to the KL term (PAPERS.md lists all three in use):
 * - `clampPerStep`: mean over (batch, time) of max(KL_t, free) — the PlaNet reference code
 *   (`compute_losses`) and the PyTorch anchor;
 * - `hingePerStep`: mean over (batch, time) of max(0, KL_t - free) — same gradient as
 *   `clampPerStep`, the value is lower by `free` (the convention PAPERS.md gives for the reference);
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

/** Latent overshooting (PlaNet eq. 7). `distance` 1 is the standard bound (eq. 3). */
export interface OvershootingConfig {
  /** Largest prediction distance D (>= 1). */
  distance: number;
  /** beta_1..beta_D; defaults to 1 for every distance. Length must equal `distance`. */
  betas?: number[];
}

/** Everything that determines a world model's architecture and loss. */
export interface WorldModelConfig {
  variant: ModelVariant;
  /** Size of the deterministic GRU state h (ignored by `ssm`). */
  deterSize: number;
  /** Size of the stochastic latent s. */
  stochSize: number;
  /** Width of the hidden layers inside the transition, prior and posterior networks. */
  hiddenSize: number;
  /** Hidden layer widths of the reward head (reference code: 3 x 300). */
  rewardHidden: number[];
  /** Channel multiplier of the conv encoder/decoder (32 in the paper). */
  cnnDepth: number;
  /** Lower bound added to softplus for latent standard deviations. */
  minStd: number;
  freeNats: number;
  freeNatsConvention: FreeNatsConvention;
  /** Multiplier of the KL term. */
  klScale: number;
  /** Multiplier of the reward log-likelihood (10 in the reference code). */
  rewardScale: number;
  /** Multiplier of the image log-likelihood. */
  imageScale: number;
  imageLossMask: ImageLossMask;
  /**
   * Decode every k-th step of each training chunk (a random phase per update) for the image
   * term; 1 = every step (PlaNet). The term stays an unbiased per-frame mean, and the decoder,
   * most of an update's time on a CPU, runs on 1/k of the frames.
   */
  imageEvery: number;
  overshooting: OvershootingConfig;
  /** Bits per colour channel fed to the network (5 in PlaNet; 8 = no reduction). */
  bitDepth: number;
  learningRate: number;
  adamEps: number;
  /** Global gradient-norm clip (1000 in PlaNet). */
  clipNorm: number;
}

/** Named presets. `paper` is PlaNet's size; `quick` and `debug` are small enough for a CPU. */
export const PRESETS: Readonly<Record<'paper' | 'quick' | 'debug', WorldModelConfig>> = {
  paper: {
    variant: 'rssm',
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
    adamEps: 1e-4,
    clipNorm: 1000,
  },
  // The latent sizes cost little in a CPU update (the conv decoder dominates) but more in CEM;
  // 128/30/128 with 100 updates per episode learned cartpole-swingup where 64/16/64 with 50
  // did not (docs/RESULTS.md); the two were not tried apart.
  quick: {
    variant: 'rssm',
    deterSize: 128,
    stochSize: 30,
    hiddenSize: 128,
    rewardHidden: [128, 128],
    cnnDepth: 8,
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
    adamEps: 1e-4,
    clipNorm: 1000,
  },
  debug: {
    variant: 'rssm',
    deterSize: 16,
    stochSize: 4,
    hiddenSize: 16,
    rewardHidden: [16],
    cnnDepth: 4,
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
    adamEps: 1e-4,
    clipNorm: 1000,
  },
};

export type PresetName = keyof typeof PRESETS;

const VARIANTS: readonly ModelVariant[] = ['rssm', 'ssm', 'rnn'];
const CONVENTIONS: readonly FreeNatsConvention[] = ['clampPerStep', 'hingePerStep', 'clampMean'];

const check: Validator = validator('world-models config');

/** Fields added after checkpoints may have been written, with the value those runs used. */
const ADDED_FIELDS: Partial<WorldModelConfig> = { imageEvery: 1 };

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
  const config: WorldModelConfig = structuredClone({ ...base, ...overrides });
  validateConfig(config);
  return config;
}

/** Check every field of a config; throws on the first invalid one. */
export function validateConfig(config: WorldModelConfig): void {
  if (!config || typeof config !== 'object') check.fail('model', config, 'a world-model config');
  check.oneOf('variant', config.variant, VARIANTS);
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
