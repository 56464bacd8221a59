/** PlaNet as the run loop and the command line see it. */
import type { Agent, SequenceBatch, SimulatorEnv } from '@vmbrl/core';
import type { EpisodeBuffer } from '@vmbrl/replay';
import { upgradeConfig as upgradeModelConfig } from '@vmbrl/world-models';
import type { LoopConfig } from '../loop/config.js';
import type { AgentDefinition, BatchPlan, OpenLoopPrediction } from '../loop/definition.js';
import { PlanetAgent } from './agent.js';
import {
  type LatentModelFields,
  NO_VARIANCE_EPSILON,
  PLANET_PRESETS,
  type PlanetRunConfig,
  planetActionRepeat,
  validateLatentModelFields,
  validatePlanner,
} from './config.js';
import { type LatentAgent, openLoopFrames } from './latent-agent.js';

/** The options every latent-model agent takes from its run config and env. */
export function latentAgentOptions(config: LoopConfig & LatentModelFields, env: SimulatorEnv) {
  return {
    actionDim: env.actionSpec.shape[0] as number,
    seed: config.seed,
    model: config.model,
    explorationNoise: config.explorationNoise,
    maxFramesPerPass: config.maxFramesPerPass,
  };
}

/**
 * What PlaNet's and Dreamer's definitions share: image observations, training batches of B
 * chunks of L image rows, the open-loop video (L rows, the configured context) and the world
 * model's loss panels.
 */
export const LATENT_MODEL_PARTS = {
  observation: 'image',
  batches: (config: LatentModelFields): BatchPlan<SequenceBatch> => ({
    rows: config.chunkLength,
    sample: (replay, rng) => replay.sample(config.batchSize, config.chunkLength, rng, ['image']),
  }),
  trainingEpisodeIsEvaluation: () => false,
  openLoop: (
    agent: Agent<unknown, SequenceBatch>,
    config: LatentModelFields,
    replay: EpisodeBuffer,
    seed: number,
  ): OpenLoopPrediction => {
    const { model } = agent as LatentAgent;
    // A model learned without reconstruction has no decoder: no frames to predict.
    if (!model.decodes) return {};
    return {
      frames: openLoopFrames(model, replay, {
        length: config.chunkLength,
        context: config.openLoopContext,
        seed,
      }),
    };
  },
  lossKeys: ['loss', 'image', 'contrastive', 'reward', 'kl'],
} as const;

/**
 * A PlaNet or Dreamer config.json in today's layout: `modelPreset` (now the preset itself),
 * `oracleWorkers` and the other agent's section dropped, model fields added since filled in.
 */
export function upgradeLatentConfig(
  saved: Record<string, unknown>,
  unused: string,
): Record<string, unknown> {
  const { modelPreset: _m, oracleWorkers: _o, [unused]: _u, ...rest } = saved;
  if (rest.model && typeof rest.model === 'object') {
    rest.model = upgradeModelConfig(rest.model as LatentModelFields['model']);
  }
  return rest;
}

export const PLANET: AgentDefinition<PlanetRunConfig, SequenceBatch> = {
  summary: 'PlaNet: latent world model from pixels, CEM planning in latent space',
  presets: PLANET_PRESETS,
  actionRepeat: planetActionRepeat,
  validate(check, config) {
    validateLatentModelFields(check, config);
    validatePlanner(check, config.planner, config.model);
    check.number('planner.varianceEpsilon', config.planner.varianceEpsilon, { min: 0 });
  },
  upgrade(saved) {
    const out = upgradeLatentConfig(saved, 'dreamer');
    if (out.planner && typeof out.planner === 'object') {
      out.planner = { ...NO_VARIANCE_EPSILON, ...out.planner };
    }
    return out;
  },
  create: async (config, env) =>
    new PlanetAgent({ ...latentAgentOptions(config, env), planner: config.planner }),
  ...LATENT_MODEL_PARTS,
};
