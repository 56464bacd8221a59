import type { Agent, SimulatorEnv } from '@vmbrl/core';
import { makeWrappedEnv } from '@vmbrl/envs';
import type { LoopConfig } from './config.js';
import type { AgentDefinition } from './definition.js';

/**
 * The env a run acts in (the task with the action repeat, rendered when the agent sees images)
 * and its agent; the caller closes the env and disposes the agent.
 */
export async function makeEnvAndAgent<C extends LoopConfig>(
  config: C,
  definition: AgentDefinition<C, unknown>,
): Promise<{ env: SimulatorEnv; agent: Agent<unknown, unknown> }> {
  const env = await makeWrappedEnv({
    task: config.task,
    seed: config.seed,
    actionRepeat: config.actionRepeat,
    pixels: definition.observation === 'image',
    timeLimit: config.episodeSteps ?? undefined,
  });
  try {
    return { env, agent: await definition.create(config, env) };
  } catch (error) {
    env.close();
    throw error;
  }
}
