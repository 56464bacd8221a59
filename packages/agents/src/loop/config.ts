/**
 * The one typed config of an online run (PlaNet's Algorithm 1 and its planner), its presets and
 * its validation. Every knob has a one-line doc; presets: `paper` (PAPERS.md values), `quick`
 * (learns cartpole-swingup on 2 CPU cores within the hour), `debug` (a whole run in seconds,
 * for tests) and `cem-oracle` (CEM with the true simulator, no learning).
 */
import { listTasks } from '@vmbrl/envs';
import {
  type PresetName as ModelPresetName,
  type WorldModelConfig,
  resolveConfig as resolveModelConfig,
  upgradeConfig as upgradeModelConfig,
} from '@vmbrl/world-models';
import {
  DREAMER_ACTION_REPEAT,
  DREAMER_LOOP_OVERRIDES,
  DREAMER_MODEL_OVERRIDES,
  type DreamerConfig,
  isDreamerPreset,
  resolveDreamerConfig,
  upgradeDreamerConfig,
  validateDreamerConfig,
} from '../dreamer/config.js';

/** Which agent acts. */
export type AgentKind = 'planet' | 'cem-oracle' | 'dreamer';

/** Named presets of {@link OnlineConfig}. */
export type OnlinePresetName = 'paper' | 'quick' | 'debug' | 'cem-oracle';

/** CEM's knobs (PlaNet Algorithm 2). */
export interface PlannerConfig {
  /** Planning horizon H (actions per candidate sequence). */
  horizon: number;
  /** Refitting iterations I. */
  iterations: number;
  /** Candidate sequences J per iteration. */
  candidates: number;
  /** Elites K the belief is refit to (K <= J). */
  topK: number;
}

/** Everything that determines an online run. Budget fields may change when a run resumes. */
export interface OnlineConfig {
  /** Which agent acts: the learned PlaNet model, or CEM on the true simulator. */
  agent: AgentKind;
  /** The preset the config was built from (recorded for the report). */
  preset: OnlinePresetName;
  /** Control task, e.g. 'cartpole-swingup'. */
  task: string;
  /** Run seed; every random stream (env, model, planner, noise, replay) is split from it. */
  seed: number;
  /** Control steps per agent step, rewards summed (PlaNet: cartpole 8, reacher 4, ...). */
  actionRepeat: number;
  /** Agent steps per episode; null = the task's full 1000 control steps (1000 / R). */
  episodeSteps: number | null;
  /** S: episodes collected with uniform random actions before training starts. */
  seedEpisodes: number;
  /** C: world-model updates between two collected episodes. */
  updatesPerEpisode: number;
  /**
   * World-model-only updates on the seed episodes before the first trained episode (Dreamer's
   * behaviour learning then starts from a fitted model; its reference code pretrains 100).
   */
  pretrainUpdates: number;
  /** B: sequences per training batch. */
  batchSize: number;
  /** L: length of each training sequence (rows of an episode). */
  chunkLength: number;
  /** Std of the Gaussian exploration noise added to planned actions (then clipped). */
  explorationNoise: number;
  /** E: run an evaluation episode (no noise) after every E training episodes (0 = never). */
  evalEvery: number;
  /** Evaluation episodes per evaluation. */
  evalEpisodes: number;
  /** Budget: stop after this many training episodes, seed episodes included (null = no limit). */
  maxEpisodes: number | null;
  /** Budget: stop after this many control steps of training episodes (null = no limit). */
  maxEnvSteps: number | null;
  /** Replay capacity in rows (oldest episodes evicted first). */
  replayCapacity: number;
  /** CEM planner. */
  planner: PlannerConfig;
  /** World-model preset the `model` field started from. */
  modelPreset: ModelPresetName;
  /** The resolved world-model config (architecture, loss, Adam). Unused by `cem-oracle`. */
  model: WorldModelConfig;
  /** Largest B*L frames per forward/backward pass (gradients accumulate over groups). */
  maxFramesPerPass: number;
  /** Frames observed before the open-loop prediction picture rolls the prior forward. */
  openLoopContext: number;
  /** Worker threads for the true-simulator scorer of `cem-oracle` (0 = plan in this thread). */
  oracleWorkers: number;
  /** Dreamer's behaviour learning (present only when `agent` is 'dreamer'; `planner` is unused). */
  dreamer?: DreamerConfig;
}

/** Fields a resumed run may change (budgets); every other field must match config.json. */
export const BUDGET_FIELDS = ['maxEpisodes', 'maxEnvSteps'] as const;

/** Action repeat per task: PlaNet's values (PAPERS.md), cartpole-balance as swingup. */
export const ACTION_REPEAT: Readonly<Record<string, number>> = {
  'cartpole-balance': 8,
  'cartpole-swingup': 8,
  'reacher-easy': 4,
  'cheetah-run': 4,
  'finger-spin': 2,
  'ball_in_cup-catch': 4,
  'walker-walk': 2,
};

type PresetBody = Omit<OnlineConfig, 'task' | 'seed' | 'actionRepeat' | 'model' | 'preset'>;

const PAPER: PresetBody = {
  agent: 'planet',
  episodeSteps: null,
  seedEpisodes: 5,
  updatesPerEpisode: 100,
  pretrainUpdates: 0,
  batchSize: 50,
  chunkLength: 50,
  explorationNoise: 0.3,
  evalEvery: 10,
  evalEpisodes: 1,
  maxEpisodes: 1000,
  maxEnvSteps: null,
  replayCapacity: 1_000_000,
  planner: { horizon: 12, iterations: 10, candidates: 1000, topK: 100 },
  modelPreset: 'paper',
  maxFramesPerPass: 512,
  openLoopContext: 5,
  oracleWorkers: 0,
};

/** Preset bodies; `task`, `seed` and the task's action repeat are filled in by `resolveOnlineConfig`. */
export const ONLINE_PRESETS: Readonly<Record<OnlinePresetName, PresetBody>> = {
  paper: PAPER,
  // Sized from wasm timings on one core (docs/PERFORMANCE.md): an update at B=8, L=32 with the
  // quick model ~0.65 s, a planned step at J=100, I=5 ~0.15 s; an episode (100 updates + 125
  // planned steps) ~85 s, so 30 episodes (25 trained, 2-episode evaluations every 5) take ~40
  // minutes. 50 updates per episode with a 64-unit model stayed level with a random policy.
  quick: {
    ...PAPER,
    updatesPerEpisode: 100,
    batchSize: 8,
    chunkLength: 32,
    evalEvery: 5,
    evalEpisodes: 2,
    maxEpisodes: 30,
    replayCapacity: 200_000,
    planner: { horizon: 12, iterations: 5, candidates: 100, topK: 10 },
    modelPreset: 'quick',
  },
  debug: {
    ...PAPER,
    episodeSteps: 10,
    seedEpisodes: 2,
    updatesPerEpisode: 2,
    batchSize: 2,
    chunkLength: 6,
    evalEvery: 2,
    maxEpisodes: 4,
    replayCapacity: 10_000,
    planner: { horizon: 3, iterations: 2, candidates: 8, topK: 2 },
    modelPreset: 'debug',
    openLoopContext: 2,
  },
  'cem-oracle': {
    ...PAPER,
    agent: 'cem-oracle',
    seedEpisodes: 0,
    updatesPerEpisode: 0,
    explorationNoise: 0,
    evalEvery: 1,
    maxEpisodes: 5,
    oracleWorkers: 2,
  },
};

/** What may be overridden on top of a preset (nested planner fields one by one). */
export type OnlineOverrides = Partial<Omit<OnlineConfig, 'planner' | 'model' | 'dreamer'>> & {
  planner?: Partial<PlannerConfig>;
  model?: Partial<WorldModelConfig>;
  dreamer?: Partial<DreamerConfig>;
};

/** Builds and validates the config of a run: preset + task + seed + overrides. */
export function resolveOnlineConfig(
  preset: OnlinePresetName,
  task: string,
  seed: number,
  overrides: OnlineOverrides = {},
): OnlineConfig {
  const isDreamer = overrides.agent === 'dreamer';
  if (isDreamer && !isDreamerPreset(preset))
    fail('preset', preset, 'paper, quick, debug (dreamer)');
  const planetBody = ONLINE_PRESETS[preset];
  if (!planetBody) fail('preset', preset, Object.keys(ONLINE_PRESETS).join(', '));
  // Dreamer keeps PlaNet's preset (world model, loss, replay) with its own loop sizes.
  const body =
    isDreamer && isDreamerPreset(preset)
      ? { ...planetBody, agent: 'dreamer' as const, ...DREAMER_LOOP_OVERRIDES[preset] }
      : planetBody;
  if (!listTasks().includes(task)) fail('task', task, listTasks().join(', '));
  const { planner, model, dreamer, ...rest } = overrides;
  const modelPreset = rest.modelPreset ?? body.modelPreset;
  const config: OnlineConfig = {
    ...structuredClone(body),
    preset,
    task,
    seed,
    actionRepeat: isDreamer ? DREAMER_ACTION_REPEAT : (ACTION_REPEAT[task] ?? 1),
    ...rest,
    planner: { ...body.planner, ...planner },
    modelPreset,
    model: resolveModelConfig(modelPreset, {
      ...(isDreamer && isDreamerPreset(preset) ? DREAMER_MODEL_OVERRIDES[preset] : {}),
      ...model,
    }),
  };
  if (isDreamer && isDreamerPreset(preset)) config.dreamer = resolveDreamerConfig(preset, dreamer);
  validateOnlineConfig(config);
  return config;
}

function fail(field: string, value: unknown, allowed: string): never {
  throw new Error(
    `online config: ${field} = ${JSON.stringify(value)} is invalid; allowed: ${allowed}`,
  );
}

function integer(field: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(field, value, `an integer >= ${min}`);
  }
}

function nullableInteger(field: string, value: unknown, min: number): void {
  if (value !== null) integer(field, value, min);
}

/**
 * Checks every field; throws one error naming the first bad field, its value and what is
 * allowed, including combinations (K <= J, chunks that fit an episode, a budget that ends).
 */
export function validateOnlineConfig(config: OnlineConfig): void {
  if (!config || typeof config !== 'object') fail('config', config, 'an object');
  if (config.agent !== 'planet' && config.agent !== 'cem-oracle' && config.agent !== 'dreamer') {
    fail('agent', config.agent, 'planet, cem-oracle, dreamer');
  }
  if (config.agent === 'dreamer') {
    if (!config.dreamer) fail('dreamer', config.dreamer, 'a Dreamer config when agent is dreamer');
    validateDreamerConfig(config.dreamer);
  }
  if (!(config.preset in ONLINE_PRESETS)) {
    fail('preset', config.preset, Object.keys(ONLINE_PRESETS).join(', '));
  }
  if (!listTasks().includes(config.task)) fail('task', config.task, listTasks().join(', '));
  if (!Number.isInteger(config.seed) || config.seed < 0 || config.seed >= 2 ** 32) {
    fail('seed', config.seed, 'an integer in [0, 2^32)');
  }
  integer('actionRepeat', config.actionRepeat, 1);
  nullableInteger('episodeSteps', config.episodeSteps, 1);
  integer('seedEpisodes', config.seedEpisodes, 0);
  integer('updatesPerEpisode', config.updatesPerEpisode, 0);
  integer('pretrainUpdates', config.pretrainUpdates, 0);
  if (config.pretrainUpdates > 0 && config.seedEpisodes < 1) {
    fail('pretrainUpdates', config.pretrainUpdates, '0 when there are no seed episodes to fit');
  }
  integer('batchSize', config.batchSize, 1);
  integer('chunkLength', config.chunkLength, 2);
  if (!(Number.isFinite(config.explorationNoise) && config.explorationNoise >= 0)) {
    fail('explorationNoise', config.explorationNoise, 'a finite number >= 0');
  }
  integer('evalEvery', config.evalEvery, 0);
  integer('evalEpisodes', config.evalEpisodes, 1);
  nullableInteger('maxEpisodes', config.maxEpisodes, 1);
  nullableInteger('maxEnvSteps', config.maxEnvSteps, 1);
  if (config.maxEpisodes === null && config.maxEnvSteps === null) {
    fail('maxEpisodes', null, 'a number when maxEnvSteps is null too (a run needs a budget)');
  }
  integer('replayCapacity', config.replayCapacity, 1);
  const p = config.planner;
  if (!p || typeof p !== 'object') fail('planner', p, '{ horizon, iterations, candidates, topK }');
  integer('planner.horizon', p.horizon, 1);
  integer('planner.iterations', p.iterations, 1);
  integer('planner.candidates', p.candidates, 1);
  integer('planner.topK', p.topK, 1);
  if (p.topK > p.candidates) {
    fail('planner.topK', p.topK, `an integer <= planner.candidates (${p.candidates})`);
  }
  integer('maxFramesPerPass', config.maxFramesPerPass, 1);
  integer('openLoopContext', config.openLoopContext, 1);
  integer('oracleWorkers', config.oracleWorkers, 0);
  const rows = episodeRows(config);
  if (config.agent === 'planet' || config.agent === 'dreamer') {
    if (config.chunkLength > rows) {
      fail('chunkLength', config.chunkLength, `an integer <= ${rows}, the rows of one episode`);
    }
    if (config.openLoopContext >= config.chunkLength) {
      fail(
        'openLoopContext',
        config.openLoopContext,
        `an integer < chunkLength (${config.chunkLength})`,
      );
    }
    if (config.seedEpisodes < 1) {
      fail('seedEpisodes', config.seedEpisodes, 'an integer >= 1 (training needs data)');
    }
  }
}

/** Agent steps of one episode: `episodeSteps`, or 1000 control steps / R. */
export function agentStepsPerEpisode(config: OnlineConfig): number {
  return config.episodeSteps ?? Math.ceil(1000 / config.actionRepeat);
}

/** Rows of a stored episode: the reset observation plus one per agent step. */
export function episodeRows(config: OnlineConfig): number {
  return agentStepsPerEpisode(config) + 1;
}

/** Loop fields added after run directories may have been written, with the value they used. */
const ADDED_LOOP_FIELDS: Partial<OnlineConfig> = { pretrainUpdates: 0 };

/** A saved config with the loop, model and Dreamer fields added since it was written filled in. */
export function upgradeSavedConfig(saved: OnlineConfig): OnlineConfig {
  const out = { ...ADDED_LOOP_FIELDS, ...structuredClone(saved) };
  if (out.model && typeof out.model === 'object') out.model = upgradeModelConfig(out.model);
  if (out.dreamer && typeof out.dreamer === 'object')
    out.dreamer = upgradeDreamerConfig(out.dreamer);
  return out;
}

/**
 * Differences between a saved config and a new one, ignoring budget fields: a list of
 * `field: saved -> new` lines (empty when they match).
 */
export function configDifferences(saved: object, next: object): string[] {
  const strip = (c: object) => {
    const copy: Record<string, unknown> = { ...c };
    for (const key of BUDGET_FIELDS) delete copy[key];
    return copy;
  };
  const a = flatten(strip(saved));
  const b = flatten(strip(next));
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((k) => a[k] !== b[k])
    .map((k) => `${k}: ${a[k] ?? 'absent'} -> ${b[k] ?? 'absent'}`);
}

function flatten(value: unknown, prefix = '', out: Record<string, string> = {}) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = JSON.stringify(value);
  }
  return out;
}
