/**
 * ALM's run config (Ghugare et al. 2023, Algorithm 1: act, store, one update per env step after
 * a warm-up of random steps) and its one preset table. The learner's hyper-parameters are
 * @vmbrl/objectives' `AlmConfig` (Table 3); batch size, warm-up and replay capacity are the
 * loop's knobs here. `alm-model-free` is the same agent with `learner.modelFree`.
 */
import type { FieldDocs, Validator } from '@vmbrl/core';
import { ALM_DOCS, type AlmConfig, almPaperConfig, validateAlmConfig } from '@vmbrl/objectives';
import { LOOP_DOCS, LOOP_OUTPUT_DEFAULTS, type LoopConfig } from '../loop/config.js';
import type { AgentPresets } from '../loop/definition.js';

/** The two ALM agents: the model-based one, and the paper's model-free variant. */
export type AlmAgentKind = 'alm' | 'alm-model-free';

/** Everything that determines an ALM run. */
export interface AlmRunConfig extends LoopConfig {
  agent: AlmAgentKind;
  batchSize: number;
  learner: AlmConfig;
}

const BATCH_DOCS: FieldDocs<Pick<AlmRunConfig, 'batchSize'>> = {
  batchSize: 'sequences (and transitions) per update (ALM Table 3: 512)',
};

/** ALM's preset table: Table 3 in `paper`, smaller networks and a shorter budget below. */
export const ALM_PRESETS: AgentPresets<AlmRunConfig> = {
  // Table 3 and Algorithm 1; Table 1 reports returns at 2e5 env steps.
  defaults: {
    episodeSteps: null,
    seedEpisodes: 0,
    warmupSteps: 5000,
    updatesPerEpisode: 0,
    pretrainUpdates: 0,
    updatesPerStep: 1,
    evalEvery: 0,
    evalEveryEnvSteps: 5000,
    evalEpisodes: 10,
    maxEpisodes: null,
    maxEnvSteps: 200_000,
    replayCapacity: 100_000,
    // One update per env step: a train row per 100 updates keeps the log at 10 rows an episode.
    ...LOOP_OUTPUT_DEFAULTS,
    logEvery: 100,
    batchSize: 512,
    learner: almPaperConfig,
  },
  overlays: {
    paper: {},
    // One core of the shared 2-core machine: sized from the measured update time (README).
    quick: {
      warmupSteps: 2000,
      evalEveryEnvSteps: 2000,
      evalEpisodes: 2,
      maxEnvSteps: 12_000,
      batchSize: 64,
      learner: {
        hidden: [128, 128],
        modelHidden: [256, 256],
        exploration: { start: 1.0, end: 0.1, duration: 10_000 },
      },
    },
    // A whole run in seconds, for tests.
    debug: {
      episodeSteps: 30,
      warmupSteps: 40,
      evalEveryEnvSteps: 60,
      evalEpisodes: 1,
      maxEnvSteps: 90,
      replayCapacity: 10_000,
      logEvery: 0,
      batchSize: 8,
      learner: {
        latentDim: 8,
        hidden: [32, 32],
        modelHidden: [32, 32],
        exploration: { start: 1.0, end: 0.1, duration: 1000 },
      },
    },
  },
  docs: { ...LOOP_DOCS, ...BATCH_DOCS, learner: ALM_DOCS },
};

/** Checks ALM's own fields, and that the learner fits the episodes and the agent kind. */
export function validateAlmRunConfig(check: Validator, config: AlmRunConfig): void {
  check.integer('batchSize', config.batchSize, 1);
  if (!config.learner || typeof config.learner !== 'object') {
    check.fail('learner', config.learner, 'an ALM learner config');
  }
  validateAlmConfig(config.learner);
  if (config.learner.modelFree !== (config.agent === 'alm-model-free')) {
    check.fail(
      'learner.modelFree',
      config.learner.modelFree,
      `${config.agent === 'alm-model-free'} for agent ${config.agent}`,
    );
  }
  const horizon = config.learner.horizon;
  if (config.episodeSteps !== null && horizon >= config.episodeSteps) {
    check.fail('learner.horizon', horizon, `an integer < episodeSteps (${config.episodeSteps})`);
  }
}

/** Learner fields older ALM configs held that are the loop's now. */
const HOISTED = ['batchSize', 'warmupSteps', 'replayCapacity'] as const;

/**
 * An ALM config.json of the layout before the one run loop in today's layout: its `evalEvery`
 * counted env steps (now `evalEveryEnvSteps`), batch size, warm-up and replay capacity lived in
 * `learner`, and `learnerPreset` repeated the preset. Today's layout comes back unchanged.
 */
export function upgradeAlmConfig(saved: Record<string, unknown>): Record<string, unknown> {
  if (saved.actionRepeat !== undefined) return saved;
  const { learnerPreset: _preset, evalEvery, learner, ...rest } = saved;
  const oldLearner = { ...(learner as Record<string, unknown>) };
  const hoisted: Record<string, unknown> = {};
  for (const key of HOISTED) {
    hoisted[key] = oldLearner[key];
    delete oldLearner[key];
  }
  return {
    ...rest,
    ...hoisted,
    actionRepeat: 1,
    seedEpisodes: 0,
    updatesPerEpisode: 0,
    pretrainUpdates: 0,
    evalEvery: 0,
    evalEveryEnvSteps: evalEvery,
    learner: oldLearner,
  };
}
