/** PlaNet as the run loop and the command line see it. */
import type { Agent, SequenceBatch } from '@vmbrl/core';
import type { EpisodeBuffer } from '@vmbrl/replay';
import { upgradeConfig as upgradeModelConfig } from '@vmbrl/world-models';
import type { AgentDefinition, BatchPlan, OpenLoopFrames } from '../loop/definition.js';
import { PlanetAgent } from './agent.js';
import {
  type LatentModelFields,
  PLANET_PRESETS,
  type PlanetRunConfig,
  planetActionRepeat,
  validateLatentModelFields,
  validatePlanner,
} from './config.js';
import { type LatentAgent, openLoopFrames } from './latent-agent.js';

/** The world model's loss terms, the report's loss panels of PlaNet and Dreamer. */
export const MODEL_LOSS_KEYS = ['loss', 'image', 'reward', 'kl'] as const;

/** Training batches of the latent-model agents: B chunks of L image rows. */
export function imageChunks(config: LatentModelFields): BatchPlan<SequenceBatch> {
  return {
    rows: config.chunkLength,
    sample: (replay, rng) => replay.sample(config.batchSize, config.chunkLength, rng, ['image']),
  };
}

/** The open-loop video of a latent-model agent: chunks of L rows, the configured context. */
export function latentOpenLoop(
  agent: Agent<unknown, SequenceBatch>,
  config: LatentModelFields,
  replay: EpisodeBuffer,
  seed: number,
): OpenLoopFrames {
  return openLoopFrames((agent as LatentAgent).model, replay, {
    length: config.chunkLength,
    context: config.openLoopContext,
    seed,
  });
}

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
  observation: 'image',
  presets: PLANET_PRESETS,
  actionRepeat: planetActionRepeat,
  validate(check, config) {
    validateLatentModelFields(check, config);
    validatePlanner(check, config.planner);
  },
  upgrade: (saved) => upgradeLatentConfig(saved, 'dreamer'),
  async create(config, env) {
    return new PlanetAgent({
      actionDim: env.actionSpec.shape[0] as number,
      seed: config.seed,
      model: config.model,
      planner: config.planner,
      explorationNoise: config.explorationNoise,
      maxFramesPerPass: config.maxFramesPerPass,
    });
  },
  batches: imageChunks,
  trainingEpisodeIsEvaluation: () => false,
  openLoop: latentOpenLoop,
  lossKeys: MODEL_LOSS_KEYS,
};
