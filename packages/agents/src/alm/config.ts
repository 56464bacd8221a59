/**
 * The config of an online ALM run (Ghugare et al. 2023, Algorithm 1: act, store, one update per
 * env step), its presets and validation. ALM's learner hyper-parameters come from
 * `@vmbrl/objectives` (`AlmConfig`, Table 3); this adds the loop around them: budget, update
 * rate, evaluation and episode length.
 */
import { listTasks } from '@vmbrl/envs';
import {
  type AlmConfig,
  type AlmPresetName,
  resolveAlmConfig,
  validateAlmConfig,
} from '@vmbrl/objectives';

/** The two ALM agents: the model-based one, and the paper's model-free variant. */
export type AlmAgentKind = 'alm' | 'alm-model-free';

/** Named presets of {@link AlmRunConfig}. */
export type AlmRunPresetName = 'paper' | 'quick' | 'debug';

/** Everything that determines an ALM run. Budget fields may change when a run resumes. */
export interface AlmRunConfig {
  /** `alm`, or `alm-model-free` (same networks, TD3-style actor loss, no model). */
  agent: AlmAgentKind;
  /** The preset the config was built from (recorded for the report). */
  preset: AlmRunPresetName;
  /** State-based task, e.g. 'half-cheetah' or 'hopper'. */
  task: string;
  /** Run seed; every random stream (env, networks, noise, replay) is split from it. */
  seed: number;
  /** Env steps per episode; null = the task's 1000 steps (termination may end it earlier). */
  episodeSteps: number | null;
  /** Gradient updates after every env step once warm-up is over (Algorithm 1: 1). */
  updatesPerStep: number;
  /** Evaluate (no exploration noise) whenever this many more env steps have been collected. */
  evalEvery: number;
  /** Evaluation episodes per evaluation. */
  evalEpisodes: number;
  /** Budget: stop after this many env steps of training episodes (null = no limit). */
  maxEnvSteps: number | null;
  /** Budget: stop after this many training episodes (null = no limit). */
  maxEpisodes: number | null;
  /** The learner's preset the `learner` field started from. */
  learnerPreset: AlmPresetName;
  /** ALM's hyper-parameters and ablation flags (warm-up, batch, K, exploration schedule, ...). */
  learner: AlmConfig;
}

/** Fields a resumed run may change (budgets); every other field must match config.json. */
export const ALM_BUDGET_FIELDS = ['maxEpisodes', 'maxEnvSteps'] as const;

type PresetBody = Omit<AlmRunConfig, 'agent' | 'task' | 'seed' | 'learner' | 'preset'> & {
  learnerOverrides: Partial<AlmConfig>;
};

/** Preset bodies; agent, task, seed and the resolved learner are filled in by the resolver. */
export const ALM_RUN_PRESETS: Readonly<Record<AlmRunPresetName, PresetBody>> = {
  // Table 3 and Algorithm 1; Table 1 reports returns at 2e5 env steps.
  paper: {
    episodeSteps: null,
    updatesPerStep: 1,
    evalEvery: 5000,
    evalEpisodes: 10,
    maxEnvSteps: 200_000,
    maxEpisodes: null,
    learnerPreset: 'paper',
    learnerOverrides: {},
  },
  // One core of the shared 2-core machine: sized from the measured update time (README).
  quick: {
    episodeSteps: null,
    updatesPerStep: 1,
    evalEvery: 2000,
    evalEpisodes: 2,
    maxEnvSteps: 12_000,
    maxEpisodes: null,
    learnerPreset: 'quick',
    learnerOverrides: {
      batchSize: 64,
      hidden: [128, 128],
      modelHidden: [256, 256],
      warmupSteps: 2000,
      exploration: { start: 1.0, end: 0.1, duration: 10_000 },
    },
  },
  // A whole run in seconds, for tests.
  debug: {
    episodeSteps: 30,
    updatesPerStep: 1,
    evalEvery: 60,
    evalEpisodes: 1,
    maxEnvSteps: 90,
    maxEpisodes: null,
    learnerPreset: 'debug',
    learnerOverrides: { batchSize: 8, warmupSteps: 40, horizon: 3 },
  },
};

/** What may be overridden on top of a preset (learner fields one by one). */
export type AlmRunOverrides = Partial<Omit<AlmRunConfig, 'learner'>> & {
  learner?: Partial<AlmConfig>;
};

/**
 * Builds and validates an ALM run config: preset + agent + task + seed + overrides. The
 * `alm-model-free` agent sets `learner.modelFree`.
 */
export function resolveAlmRunConfig(
  preset: AlmRunPresetName,
  agent: AlmAgentKind,
  task: string,
  seed: number,
  overrides: AlmRunOverrides = {},
): AlmRunConfig {
  const body = ALM_RUN_PRESETS[preset];
  if (!body) fail('preset', preset, Object.keys(ALM_RUN_PRESETS).join(', '));
  if (agent !== 'alm' && agent !== 'alm-model-free') fail('agent', agent, 'alm, alm-model-free');
  const { learnerOverrides, ...rest } = structuredClone(body);
  const { learner, ...top } = overrides;
  const learnerPreset = top.learnerPreset ?? rest.learnerPreset;
  const config: AlmRunConfig = {
    ...rest,
    agent,
    preset,
    task,
    seed,
    ...top,
    learnerPreset,
    learner: resolveAlmConfig(learnerPreset, {
      ...learnerOverrides,
      ...learner,
      ...(agent === 'alm-model-free' ? { modelFree: true } : {}),
    }),
  };
  validateAlmRunConfig(config);
  return config;
}

function fail(field: string, value: unknown, allowed: string): never {
  throw new Error(
    `ALM run config: ${field} = ${JSON.stringify(value)} is invalid; allowed: ${allowed}`,
  );
}

function integer(field: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(field, value, `an integer >= ${min}`);
  }
}

/** Checks every field; throws one error naming the first bad field, its value and what is allowed. */
export function validateAlmRunConfig(config: AlmRunConfig): void {
  if (!config || typeof config !== 'object') fail('config', config, 'an object');
  if (config.agent !== 'alm' && config.agent !== 'alm-model-free') {
    fail('agent', config.agent, 'alm, alm-model-free');
  }
  if (!(config.preset in ALM_RUN_PRESETS)) {
    fail('preset', config.preset, Object.keys(ALM_RUN_PRESETS).join(', '));
  }
  if (!listTasks().includes(config.task)) fail('task', config.task, listTasks().join(', '));
  if (!Number.isInteger(config.seed) || config.seed < 0 || config.seed >= 2 ** 32) {
    fail('seed', config.seed, 'an integer in [0, 2^32)');
  }
  if (config.episodeSteps !== null) integer('episodeSteps', config.episodeSteps, 2);
  integer('updatesPerStep', config.updatesPerStep, 1);
  integer('evalEvery', config.evalEvery, 0);
  integer('evalEpisodes', config.evalEpisodes, 1);
  if (config.maxEnvSteps !== null) integer('maxEnvSteps', config.maxEnvSteps, 1);
  if (config.maxEpisodes !== null) integer('maxEpisodes', config.maxEpisodes, 1);
  if (config.maxEnvSteps === null && config.maxEpisodes === null) {
    fail('maxEnvSteps', null, 'a number when maxEpisodes is null too (a run needs a budget)');
  }
  if (config.learner.modelFree !== (config.agent === 'alm-model-free')) {
    fail(
      'learner.modelFree',
      config.learner.modelFree,
      `${config.agent === 'alm-model-free'} for agent ${config.agent}`,
    );
  }
  validateAlmConfig(config.learner);
  const horizon = config.learner.horizon;
  if (config.episodeSteps !== null && horizon >= config.episodeSteps) {
    fail('learner.horizon', horizon, `an integer < episodeSteps (${config.episodeSteps})`);
  }
}
