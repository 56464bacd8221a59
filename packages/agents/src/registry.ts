import type { Agent, SimulatorEnv } from '@vmbrl/core';
/** Builds the environment and the agent an online config asks for. */
import { makeWrappedEnv } from '@vmbrl/envs';
import { DreamerAgent } from './dreamer/agent.js';
import type { OnlineConfig } from './loop/config.js';
import { CemOracleAgent } from './oracle/agent.js';
import { PlanetAgent } from './planet/agent.js';

/** The pixel environment of an online run, and its agent (the caller closes and disposes). */
export async function makeEnvAndAgent(
  config: OnlineConfig,
): Promise<{ env: SimulatorEnv; agent: Agent }> {
  const env = await makeWrappedEnv({
    task: config.task,
    seed: config.seed,
    actionRepeat: config.actionRepeat,
    pixels: true,
    timeLimit: config.episodeSteps ?? undefined,
  });
  try {
    return { env, agent: await makeAgent(config, env.actionSpec.shape[0] as number) };
  } catch (error) {
    env.close();
    throw error;
  }
}

/** The agent of `config` for an env with `actionDim` action dimensions. */
export async function makeAgent(config: OnlineConfig, actionDim: number): Promise<Agent> {
  if (config.agent === 'dreamer') {
    if (!config.dreamer) throw new Error('makeAgent: agent dreamer needs config.dreamer');
    return new DreamerAgent({
      actionDim,
      seed: config.seed,
      model: config.model,
      dreamer: config.dreamer,
      explorationNoise: config.explorationNoise,
      maxFramesPerPass: config.maxFramesPerPass,
    }) as Agent;
  }
  if (config.agent === 'planet') {
    return new PlanetAgent({
      actionDim,
      seed: config.seed,
      model: config.model,
      planner: config.planner,
      explorationNoise: config.explorationNoise,
      maxFramesPerPass: config.maxFramesPerPass,
    }) as Agent;
  }
  return (await CemOracleAgent.create({
    task: config.task,
    actionRepeat: config.actionRepeat,
    seed: config.seed,
    planner: config.planner,
    explorationNoise: config.explorationNoise,
    workers: config.oracleWorkers,
  })) as Agent;
}
