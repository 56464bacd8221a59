/** ALM and its model-free variant as the run loop and the command line see them. */
import type { AgentDefinition } from '../loop/definition.js';
import { AlmAgent, type AlmBatch } from './agent.js';
import {
  ALM_PRESETS,
  type AlmRunConfig,
  upgradeAlmConfig,
  validateAlmRunConfig,
} from './config.js';

export const ALM: AgentDefinition<AlmRunConfig, AlmBatch> = {
  summary: 'ALM: encoder, latent model and policy trained on one objective, from states',
  observation: 'state',
  presets: ALM_PRESETS,
  actionRepeat: () => 1,
  kindOverlay: (kind) => ({ learner: { modelFree: kind === 'alm-model-free' } }),
  validate: validateAlmRunConfig,
  upgrade: upgradeAlmConfig,
  async create(config, env) {
    const stateDim = env.observationSpec.state?.shape[0];
    if (stateDim === undefined)
      throw new Error(`ALM: task ${config.task} has no state observation`);
    return new AlmAgent({
      stateDim,
      actionDim: env.actionSpec.shape[0] as number,
      config: config.learner,
      seed: config.seed,
    });
  },
  // Algorithm 1 lines 6-11: K-step sequences for the lower bound, single transitions for the rest.
  batches: (config) => ({
    rows: config.learner.horizon + 1,
    sample: (replay, rng) => ({
      sequences: replay.sampleTransitions(config.batchSize, config.learner.horizon, rng, ['state']),
      transitions: replay.sampleTransitions(config.batchSize, 1, rng, ['state']),
    }),
  }),
  trainingEpisodeIsEvaluation: () => false,
  lossKeys: ['lowerBoundLoss', 'rewardLoss', 'classifierLoss', 'criticLoss', 'policyLoss'],
};
