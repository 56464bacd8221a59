/**
 * The run loop's part of every run config: what is acted, when updates happen, when to evaluate
 * and when to stop. Every agent's config has these fields (its preset table sets them) beside its
 * own sections (planner, model, learner, ...). One loop runs PlaNet's Algorithm 1 (whole random
 * episodes first, C updates between episodes) and ALM's Algorithm 1 (random steps first, updates
 * after every step) with these knobs.
 */
import type { FieldDocs, PresetName, Validator } from '@vmbrl/core';
import { listTasks } from '@vmbrl/envs';

/** Everything the loop reads. Budget fields may change when a run resumes. */
export interface LoopConfig {
  /** The agent's kind (the registry maps it to its definition). */
  agent: string;
  preset: PresetName;
  task: string;
  seed: number;
  actionRepeat: number;
  episodeSteps: number | null;
  seedEpisodes: number;
  warmupSteps: number;
  updatesPerEpisode: number;
  pretrainUpdates: number;
  updatesPerStep: number;
  evalEvery: number;
  evalEveryEnvSteps: number;
  evalEpisodes: number;
  maxEpisodes: number | null;
  maxEnvSteps: number | null;
  replayCapacity: number;
  logEvery: number;
  keepCheckpoints: number;
  keepBestCheckpoint: boolean;
}

/** The loop's output fields: how often losses are logged and which checkpoints are kept. */
export type LoopOutputFields = Pick<
  LoopConfig,
  'logEvery' | 'keepCheckpoints' | 'keepBestCheckpoint'
>;

/** Defaults of the output fields every agent's preset table starts from. */
export const LOOP_OUTPUT_DEFAULTS: LoopOutputFields = {
  logEvery: 10,
  keepCheckpoints: 3,
  keepBestCheckpoint: true,
};

/** One line per loop field; they feed `vmbrl-online --help` and `vmbrl-online presets`. */
export const LOOP_DOCS: FieldDocs<LoopConfig> = {
  agent: 'who acts: planet, dreamer, cem-oracle, alm, alm-model-free or study',
  preset: 'the preset the config was built from: paper, quick or debug',
  task: "control task, e.g. 'cartpole-swingup' (pixels) or 'hopper' (state)",
  seed: 'run seed; every random stream (env, networks, noise, replay) is split from it',
  actionRepeat:
    'control steps per agent step, rewards summed (PlaNet: cartpole 8, reacher 4, ...; Dreamer: 2, 4 in quick on cartpole-swingup)',
  episodeSteps: "agent steps per episode; null = the task's 1000 control steps / actionRepeat",
  seedEpisodes: 'episodes of uniform random actions before the first update (PlaNet: S = 5)',
  warmupSteps: 'env steps of uniform random actions, and no updates, at the start (ALM: 5000)',
  updatesPerEpisode: 'updates before each collected episode (PlaNet: C = 100)',
  pretrainUpdates:
    'world-model-only updates on the seed episodes, once, before the first trained one',
  updatesPerStep: 'updates after every env step once the warm-up is over (ALM: 1)',
  evalEvery: 'evaluate (no exploration noise) after every this many episodes (0 = never)',
  evalEveryEnvSteps: 'evaluate whenever this many more env steps were collected (0 = never)',
  evalEpisodes: 'episodes per evaluation',
  maxEpisodes: 'budget: training episodes in total, seed episodes included (null = no limit)',
  maxEnvSteps: 'budget: control steps of training episodes (null = no limit); stops mid-episode',
  replayCapacity: 'replay capacity in rows (the oldest episodes are evicted first)',
  logEvery:
    'a train row (mean losses) every this many updates, and at the end of each episode (0 = one per episode)',
  keepCheckpoints:
    'earlier checkpoints kept in checkpoints/ besides checkpoint/: the newest this many episodes',
  keepBestCheckpoint: 'keep the checkpoint of the best evaluation return in checkpoints/best',
};

/** Fields a resumed run may change (budgets); every other field must match config.json. */
export const BUDGET_FIELDS = ['maxEpisodes', 'maxEnvSteps'] as const;

/** Output fields a resumed run may change too: they alter what is written, not what is learnt. */
export const OUTPUT_FIELDS = ['logEvery', 'keepCheckpoints', 'keepBestCheckpoint'] as const;

/**
 * Checks the loop's fields; one error names the first bad field and what is allowed, including
 * combinations (pretraining needs seed episodes, a budget must end).
 */
export function validateLoopConfig(check: Validator, config: LoopConfig): void {
  if (!config || typeof config !== 'object') check.fail('config', config, 'an object');
  check.oneOf('preset', config.preset, ['paper', 'quick', 'debug']);
  check.oneOf('task', config.task, listTasks());
  check.integer('seed', config.seed, 0, 2 ** 32 - 1);
  for (const [field, min] of INTEGER_FIELDS) check.integer(field, config[field], min);
  for (const field of ['episodeSteps', 'maxEpisodes', 'maxEnvSteps'] as const) {
    check.integerOrNull(field, config[field], 1);
  }
  if (config.pretrainUpdates > 0 && config.seedEpisodes < 1) {
    check.fail(
      'pretrainUpdates',
      config.pretrainUpdates,
      '0 when there are no seed episodes to fit',
    );
  }
  check.boolean('keepBestCheckpoint', config.keepBestCheckpoint);
  if (config.maxEpisodes === null && config.maxEnvSteps === null) {
    check.fail('maxEpisodes', null, 'a number when maxEnvSteps is null too (a run needs a budget)');
  }
}

/** The loop's integer fields with their least value. */
const INTEGER_FIELDS: readonly (readonly [keyof LoopConfig & string, number])[] = [
  ['actionRepeat', 1],
  ['seedEpisodes', 0],
  ['warmupSteps', 0],
  ['updatesPerEpisode', 0],
  ['pretrainUpdates', 0],
  ['updatesPerStep', 0],
  ['evalEvery', 0],
  ['evalEveryEnvSteps', 0],
  ['evalEpisodes', 1],
  ['replayCapacity', 1],
  ['logEvery', 0],
  ['keepCheckpoints', 0],
];

/** Agent steps of one episode: `episodeSteps`, or 1000 control steps / R. */
export function agentStepsPerEpisode(config: LoopConfig): number {
  return config.episodeSteps ?? Math.ceil(1000 / config.actionRepeat);
}

/** Rows of a stored full-length episode: the reset observation plus one per agent step. */
export function episodeRows(config: LoopConfig): number {
  return agentStepsPerEpisode(config) + 1;
}

/** Loop fields added after run directories were written, with the value those runs used. */
const ADDED_LOOP_FIELDS: Partial<LoopConfig> = {
  pretrainUpdates: 0,
  warmupSteps: 0,
  updatesPerStep: 0,
  evalEveryEnvSteps: 0,
  logEvery: 0,
  keepCheckpoints: 0,
  keepBestCheckpoint: false,
};

/** A saved config with the loop fields added since it was written filled in (a new object). */
export function upgradeLoopFields<T extends object>(saved: T): T {
  return { ...structuredClone(ADDED_LOOP_FIELDS), ...structuredClone(saved) };
}

/**
 * Differences between a saved config and a new one, ignoring budget and output fields: a list of
 * `field: saved -> new` lines (empty when they match).
 */
export function configDifferences(saved: object, next: object): string[] {
  const strip = (c: object) => {
    const copy: Record<string, unknown> = { ...c };
    for (const key of [...BUDGET_FIELDS, ...OUTPUT_FIELDS]) delete copy[key];
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

/** True once the episode or env-step budget of a config is used up (null = no limit). */
export function budgetReached(
  budget: Pick<LoopConfig, 'maxEpisodes' | 'maxEnvSteps'>,
  state: { episodes: number; envSteps: number },
): boolean {
  return (
    (budget.maxEpisodes !== null && state.episodes >= budget.maxEpisodes) ||
    (budget.maxEnvSteps !== null && state.envSteps >= budget.maxEnvSteps)
  );
}
