import type { Agent, SimulatorEnv } from '@vmbrl/core';
import { makeWrappedEnv } from '@vmbrl/envs';
import type { LoopConfig } from './config.js';
import type { AgentDefinition } from './definition.js';

/** The task with a run's action repeat and episode length, rendered when `pixels`. */
export function makeRunEnv(
  config: Pick<LoopConfig, 'task' | 'actionRepeat' | 'episodeSteps'>,
  options: { seed: number; pixels: boolean },
): Promise<SimulatorEnv> {
  return makeWrappedEnv({
    task: config.task,
    seed: options.seed,
    actionRepeat: config.actionRepeat,
    pixels: options.pixels,
    timeLimit: config.episodeSteps ?? undefined,
  });
}

/**
 * The env a run acts in (the task with the action repeat, rendered when the agent sees images)
 * and its agent; the caller closes the env and disposes the agent.
 */
export async function makeEnvAndAgent<C extends LoopConfig>(
  config: C,
  definition: AgentDefinition<C, unknown>,
): Promise<{ env: SimulatorEnv; agent: Agent<unknown, unknown> }> {
  const env = await makeRunEnv(config, {
    seed: config.seed,
    pixels: definition.observation === 'image',
  });
  try {
    return { env, agent: await definition.create(config, env) };
  } catch (error) {
    env.close();
    throw error;
  }
}
