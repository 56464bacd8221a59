/** Dreamer as the run loop and the command line see it. */
import type { SequenceBatch } from '@vmbrl/core';
import type { AgentDefinition } from '../loop/definition.js';
import {
  MODEL_LOSS_KEYS,
  imageChunks,
  latentOpenLoop,
  upgradeLatentConfig,
} from '../planet/definition.js';
import { DreamerAgent } from './agent.js';
import {
  DREAMER_ACTION_REPEAT,
  DREAMER_PRESETS,
  type DreamerConfig,
  type DreamerRunConfig,
  upgradeDreamerConfig,
  validateDreamerRunConfig,
} from './config.js';

export const DREAMER: AgentDefinition<DreamerRunConfig, SequenceBatch> = {
  summary: "Dreamer: PlaNet's world model, actor and value learned in imagination",
  observation: 'image',
  presets: DREAMER_PRESETS,
  actionRepeat: () => DREAMER_ACTION_REPEAT,
  validate: validateDreamerRunConfig,
  upgrade(saved) {
    const out = upgradeLatentConfig(saved, 'planner');
    if (out.dreamer && typeof out.dreamer === 'object') {
      out.dreamer = upgradeDreamerConfig(out.dreamer as DreamerConfig);
    }
    return out;
  },
  async create(config, env) {
    return new DreamerAgent({
      actionDim: env.actionSpec.shape[0] as number,
      seed: config.seed,
      model: config.model,
      dreamer: config.dreamer,
      explorationNoise: config.explorationNoise,
      maxFramesPerPass: config.maxFramesPerPass,
    });
  },
  batches: imageChunks,
  trainingEpisodeIsEvaluation: () => false,
  openLoop: latentOpenLoop,
  lossKeys: MODEL_LOSS_KEYS,
};
