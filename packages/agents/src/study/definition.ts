/**
 * The design-choice study as the run loop and the command line see it: `--agent study --design
 * R|OTOR|OTLR|LTLR|LTOR|Oracle`. A learned design is a `StudyAgent`; the Oracle is the CEM
 * oracle (`oracle/`) with the study's planner and action repeat.
 */
import { Rng, type SequenceBatch } from '@vmbrl/core';
import { studyBatchShape, upgradeLatentDesign } from '@vmbrl/world-models';
import type { AgentDefinition, OpenLoopPrediction } from '../loop/definition.js';
import { CEM_ORACLE } from '../oracle/definition.js';
import { StudyAgent } from './agent.js';
import {
  STUDY_ACTION_REPEAT,
  STUDY_AGENT_DESIGNS,
  STUDY_PRESETS,
  type StudyRunConfig,
  isLearned,
  validateStudyRunConfig,
} from './config.js';
import { studyOpenLoop } from './open-loop.js';

/** Replayed chunks shown in the report's open-loop rows. */
const OPEN_LOOP_EXAMPLES = 3;

export const STUDY: AgentDefinition<StudyRunConfig, SequenceBatch> = {
  summary:
    'the design-choice study (Models, Pixels, and Rewards): one design of Table 4 planning with CEM',
  observation: 'image',
  presets: STUDY_PRESETS.LTLR,
  variant: {
    field: 'design',
    choices: STUDY_AGENT_DESIGNS,
    presets: (design) => STUDY_PRESETS[design as StudyRunConfig['design']],
  },
  actionRepeat: () => STUDY_ACTION_REPEAT,
  validate: validateStudyRunConfig,
  // Runs saved before a world-model field was added resume with the value they used.
  upgrade: (saved) =>
    saved.model === undefined ? saved : { ...saved, model: upgradeLatentDesign(saved.model) },
  create: async (config, env) => {
    // The Oracle is the CEM oracle's agent; its config carries every field that one reads.
    if (!isLearned(config)) return CEM_ORACLE.create(config as never, env);
    return new StudyAgent({
      design: config.design,
      model: config.model,
      actionDim: env.actionSpec.shape[0] as number,
      seed: config.seed,
      planner: config.planner,
      explorationNoise: config.explorationNoise,
    });
  },
  batches: (config) => {
    if (!isLearned(config)) return null;
    const { batchSize, sequenceLength } = studyBatchShape(config.design, config.model);
    return {
      rows: sequenceLength,
      sample: (replay, rng) => replay.sample(batchSize, sequenceLength, rng, ['image']),
    };
  },
  trainingEpisodeIsEvaluation: (config) => !isLearned(config) && config.explorationNoise === 0,
  openLoop: (agent, config, replay, seed): OpenLoopPrediction => {
    if (!isLearned(config)) return {};
    const horizon = config.planner.horizon;
    const batch = replay.sample(
      OPEN_LOOP_EXAMPLES,
      config.openLoopContext + horizon,
      new Rng(seed),
      ['image'],
    );
    return studyOpenLoop((agent as StudyAgent).model, batch, config.openLoopContext, horizon);
  },
  lossKeys: ['loss', 'image', 'reward', 'kl'],
};
