/** Dreamer as the run loop and the command line see it. */
import type { SequenceBatch } from '@vmbrl/core';
import type { AgentDefinition } from '../loop/definition.js';
import {
  LATENT_MODEL_PARTS,
  latentAgentOptions,
  upgradeLatentConfig,
} from '../planet/definition.js';
import { DreamerAgent } from './agent.js';
import {
  DREAMER_PRESETS,
  type DreamerConfig,
  type DreamerRunConfig,
  dreamerActionRepeat,
  upgradeDreamerConfig,
  validateDreamerRunConfig,
} from './config.js';

export const DREAMER: AgentDefinition<DreamerRunConfig, SequenceBatch> = {
  summary: "Dreamer: PlaNet's world model, actor and value learned in imagination",
  presets: DREAMER_PRESETS,
  actionRepeat: dreamerActionRepeat,
  validate: validateDreamerRunConfig,
  upgrade(saved) {
    const out = upgradeLatentConfig(saved, 'planner');
    if (out.dreamer && typeof out.dreamer === 'object') {
      out.dreamer = upgradeDreamerConfig(out.dreamer as DreamerConfig);
    }
    return out;
  },
  create: async (config, env) =>
    new DreamerAgent({ ...latentAgentOptions(config, env), dreamer: config.dreamer }),
  ...LATENT_MODEL_PARTS,
};
