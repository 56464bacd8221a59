/** Playing one episode with an agent (or uniform random actions) and recording it. */
import type { Agent, Episode, Rng, SimulatorEnv } from '@vmbrl/core';
import { EpisodeBuilder } from '@vmbrl/replay';

/** How the actions of an episode are chosen. */
export type EpisodeMode = 'random' | 'explore' | 'eval';

/** A finished episode. */
export interface PlayedEpisode {
  episode: Episode;
  /** Sum of rewards. */
  return: number;
  /** Agent steps taken. */
  steps: number;
  /** Wall-clock seconds spent choosing actions (planning). */
  policySeconds: number;
}

/** Raised inside the loop when a stop was requested mid-iteration. */
export class Interrupted extends Error {
  override name = 'Interrupted';
}

/** Options of {@link playEpisode}. */
export interface PlayOptions {
  env: SimulatorEnv;
  agent: Agent<unknown, unknown>;
  mode: EpisodeMode;
  /** Seed of the env reset (fixes the initial state). */
  seed: number;
  /** Source of the uniform random actions. */
  actionRng: Rng;
  /** Throws {@link Interrupted} when a stop was requested; called before every step. */
  checkStop: () => void;
  /** Control steps per agent step (default 1). */
  actionRepeat?: number;
  /** Control steps of training collected before this episode (the agent's schedule position). */
  envSteps?: number;
  /** Act uniformly at random while fewer control steps than this were collected (warm-up). */
  randomUntil?: number;
  /**
   * Called after every step with the control steps collected so far and the episode's steps;
   * may train (it is awaited). Returning true ends the episode there (a budget reached).
   */
  afterStep?: (envSteps: number, steps: number) => boolean | Promise<boolean>;
}

/**
 * Plays one episode and records it in the replay layout (row 0 = reset observation with a zero
 * action). Random actions are U(min, max) per dimension, as PlaNet's seed episodes and ALM's
 * warm-up steps.
 */
export async function playEpisode(options: PlayOptions): Promise<PlayedEpisode> {
  const { env, agent, mode, actionRng, checkStop } = options;
  const repeat = options.actionRepeat ?? 1;
  const randomUntil = options.randomUntil ?? 0;
  const spec = env.actionSpec;
  const actionDim = spec.shape[0] as number;
  let ts = env.reset(options.seed);
  const builder = new EpisodeBuilder(actionDim);
  builder.start(ts.observation);
  let envSteps = options.envSteps ?? 0;
  let state: unknown = null;
  let total = 0;
  let steps = 0;
  let policySeconds = 0;
  try {
    while (!ts.last) {
      // One event-loop turn per step, so a Ctrl-C handler can run during long episodes.
      await new Promise((resolve) => setImmediate(resolve));
      checkStop();
      let action: Float32Array;
      if (mode === 'random' || (mode === 'explore' && envSteps < randomUntil)) {
        action = new Float32Array(actionDim);
        for (let i = 0; i < actionDim; i++) action[i] = actionRng.uniform(spec.min, spec.max);
      } else {
        const started = performance.now();
        const observation = {
          ...ts.observation,
          reward: ts.reward,
          simulator: agent.needsSimulatorState ? env.getState() : undefined,
        };
        const result = await agent.policy(observation, state, {
          explore: mode === 'explore',
          envStep: envSteps,
        });
        state = result.state;
        action = result.action;
        policySeconds += (performance.now() - started) / 1000;
      }
      ts = env.step(action);
      builder.add(action, ts.reward, ts.discount, ts.observation);
      total += ts.reward;
      steps += 1;
      envSteps += repeat;
      if ((await options.afterStep?.(envSteps, steps)) === true) break;
    }
  } finally {
    agent.disposeState(state);
  }
  return { episode: builder.finish(), return: total, steps, policySeconds };
}
