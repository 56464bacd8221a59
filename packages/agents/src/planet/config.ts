/**
 * PlaNet's run config (Hafner et al. 2019, Algorithm 1 and 2, appendix A) and its one preset
 * table: `paper` (the paper's values), `quick` (learns cartpole-swingup on 2 CPU cores within the
 * hour), `debug` (a whole run in seconds, for tests). The world model's sizes come from its own
 * table in @vmbrl/world-models.
 */
import {
  type FieldDocs,
  type Machine,
  type Overlay,
  type PresetName,
  type Validator,
  checkFits,
  tensorBudget,
  thisMachine,
} from '@vmbrl/core';
import {
  MODEL_DEFAULTS,
  MODEL_DOCS,
  MODEL_OVERLAYS,
  type WorldModelConfig,
  validateConfig as validateModelConfig,
} from '@vmbrl/world-models';
import { LOOP_DOCS, LOOP_OUTPUT_DEFAULTS, type LoopConfig, episodeRows } from '../loop/config.js';
import type { AgentPresets, PresetBody } from '../loop/definition.js';

/** CEM's knobs (PlaNet Algorithm 2). */
export interface PlannerConfig {
  horizon: number;
  iterations: number;
  candidates: number;
  topK: number;
}

/** The fields PlaNet and Dreamer share beyond the loop's: batches, acting noise, the model. */
export interface LatentModelFields {
  batchSize: number;
  chunkLength: number;
  explorationNoise: number;
  maxFramesPerPass: number;
  openLoopContext: number;
  model: WorldModelConfig;
}

/** PlaNet's CEM: the shared knobs and the reference code's floor under the refit std. */
export interface PlanetPlannerConfig extends PlannerConfig {
  varianceEpsilon: number;
}

/** Everything that determines a PlaNet run. */
export interface PlanetRunConfig extends LoopConfig, LatentModelFields {
  agent: 'planet';
  planner: PlanetPlannerConfig;
}

/** Docs of the fields PlaNet and Dreamer share. */
export const LATENT_MODEL_DOCS: FieldDocs<LatentModelFields> = {
  batchSize: 'B: sequences per training batch',
  chunkLength: 'L: length of each training sequence (rows of an episode)',
  explorationNoise: 'std of the Gaussian noise added to the chosen action in training episodes',
  maxFramesPerPass:
    'largest B*L frames per forward/backward pass (gradients accumulate over groups)',
  openLoopContext: 'frames observed before the open-loop prediction video rolls the prior forward',
  model: MODEL_DOCS,
};

/** Docs of CEM's knobs. */
export const PLANNER_DOCS: FieldDocs<PlannerConfig> = {
  horizon: 'H: planning horizon (actions per candidate sequence)',
  iterations: 'I: CEM refitting iterations',
  candidates: 'J: candidate sequences per iteration',
  topK: 'K: elites the belief is refit to (K <= J)',
};

/** Docs of PlaNet's CEM knobs. */
export const PLANET_PLANNER_DOCS: FieldDocs<PlanetPlannerConfig> = {
  ...PLANNER_DOCS,
  varianceEpsilon:
    "added to the elites' variance before the std's square root (PlaNet reference code: 1e-6; 0 = none)",
};

/** The floor PlaNet's configs saved before it existed ran with. */
export const NO_VARIANCE_EPSILON = { varianceEpsilon: 0 } as const;

/** Action repeat per task: PlaNet's values (appendix A), cartpole-balance as swingup. */
export const ACTION_REPEAT: Readonly<Record<string, number>> = {
  'cartpole-balance': 8,
  'cartpole-swingup': 8,
  'reacher-easy': 4,
  'cheetah-run': 4,
  'finger-spin': 2,
  'ball_in_cup-catch': 4,
  'walker-walk': 2,
};

/** PlaNet's action repeat on `task` (1 for tasks it was not run on). */
export function planetActionRepeat(task: string): number {
  return ACTION_REPEAT[task] ?? 1;
}

/** Defaults (PlaNet's paper values) of the loop and latent-model fields. */
export const LATENT_MODEL_DEFAULTS: PresetBody<LoopConfig> & LatentModelFields = {
  episodeSteps: null,
  seedEpisodes: 5,
  warmupSteps: 0,
  updatesPerEpisode: 100,
  pretrainUpdates: 0,
  updatesPerStep: 0,
  evalEvery: 10,
  evalEveryEnvSteps: 0,
  evalEpisodes: 1,
  maxEpisodes: 1000,
  maxEnvSteps: null,
  replayCapacity: 1_000_000,
  ...LOOP_OUTPUT_DEFAULTS,
  batchSize: 50,
  chunkLength: 50,
  explorationNoise: 0.3,
  maxFramesPerPass: 512,
  openLoopContext: 5,
  model: MODEL_DEFAULTS,
};

/** What `quick` and `debug` change in the loop and latent-model fields. */
export const LATENT_MODEL_OVERLAYS: Readonly<
  Record<PresetName, Overlay<PresetBody<LoopConfig> & LatentModelFields>>
> = {
  paper: {},
  // Sized from wasm timings on one core (docs/PERFORMANCE.md): an update at B=8, L=32 with the
  // quick model ~0.65 s, a planned step at J=100, I=5 ~0.15 s; an episode (100 updates + 125
  // planned steps) ~85 s, so 30 episodes (25 trained, 2-episode evaluations every 5) take ~40
  // minutes. 50 updates per episode with a 64-unit model stayed level with a random policy.
  quick: {
    batchSize: 8,
    chunkLength: 32,
    evalEvery: 5,
    evalEpisodes: 2,
    maxEpisodes: 30,
    replayCapacity: 200_000,
    model: MODEL_OVERLAYS.quick,
  },
  debug: {
    episodeSteps: 10,
    seedEpisodes: 2,
    updatesPerEpisode: 2,
    batchSize: 2,
    chunkLength: 6,
    evalEvery: 2,
    maxEpisodes: 4,
    replayCapacity: 10_000,
    openLoopContext: 2,
    model: MODEL_OVERLAYS.debug,
  },
};

/** CEM per preset: the paper's, and fewer candidates and iterations on a CPU. */
export const PLANNER_PRESETS: Readonly<Record<PresetName, PlannerConfig>> = {
  paper: { horizon: 12, iterations: 10, candidates: 1000, topK: 100 },
  quick: { horizon: 12, iterations: 5, candidates: 100, topK: 10 },
  debug: { horizon: 3, iterations: 2, candidates: 8, topK: 2 },
};

/** PlaNet's preset table. */
export const PLANET_PRESETS: AgentPresets<PlanetRunConfig> = {
  defaults: {
    ...LATENT_MODEL_DEFAULTS,
    planner: { ...PLANNER_PRESETS.paper, ...NO_VARIANCE_EPSILON },
  },
  overlays: {
    paper: {},
    quick: { ...LATENT_MODEL_OVERLAYS.quick, planner: PLANNER_PRESETS.quick },
    debug: { ...LATENT_MODEL_OVERLAYS.debug, planner: PLANNER_PRESETS.debug },
  },
  docs: { ...LOOP_DOCS, ...LATENT_MODEL_DOCS, planner: PLANET_PLANNER_DOCS },
};

/** Checks the fields PlaNet and Dreamer share, with the combinations training needs. */
export function validateLatentModelFields(
  check: Validator,
  config: LoopConfig & LatentModelFields,
): void {
  check.integer('batchSize', config.batchSize, 1);
  const rows = episodeRows(config);
  check.integer('chunkLength', config.chunkLength, 2, rows);
  check.number('explorationNoise', config.explorationNoise, { min: 0 });
  check.integer('maxFramesPerPass', config.maxFramesPerPass, 1);
  check.integer('openLoopContext', config.openLoopContext, 1, config.chunkLength - 1);
  check.integer('seedEpisodes', config.seedEpisodes, 1);
  validateModelConfig(config.model);
}

/** The latent state sizes a planning step rolls out per candidate (absent: the simulator's). */
export type PlannedState = Pick<WorldModelConfig, 'deterSize' | 'stochSize' | 'hiddenSize'>;

/**
 * Checks CEM's knobs (K <= J), and that one planning step's candidates fit in tensor memory
 * (the wasm heap, or 3/4 of this machine's memory when smaller): an upper estimate of the floats
 * live per candidate and horizon step is its action (<= 8 dimensions), the latent state with the
 * GRU's and networks' intermediates (5 deter + 4 stoch + 3 hidden), or 64 simulator floats.
 */
export function validatePlanner(
  check: Validator,
  planner: PlannerConfig,
  state?: PlannedState,
  machine: Machine = thisMachine(),
): void {
  if (!planner || typeof planner !== 'object') {
    check.fail('planner', planner, '{ horizon, iterations, candidates, topK }');
  }
  check.integer('planner.horizon', planner.horizon, 1);
  check.integer('planner.iterations', planner.iterations, 1);
  check.integer('planner.candidates', planner.candidates, 1);
  check.integer('planner.topK', planner.topK, 1, planner.candidates);
  const perStep = state
    ? 8 + 5 * state.deterSize + 4 * state.stochSize + 3 * state.hiddenSize
    : 8 + 64;
  checkFits(check, {
    field: 'planner.candidates',
    value: planner.candidates,
    bytesPerUnit: 4 * planner.horizon * perStep,
    unit: 'candidate',
    what: `one planning step (horizon ${planner.horizon})`,
    budget: tensorBudget(machine, 'wasm'),
  });
}
