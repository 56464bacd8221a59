/**
 * Tests' shared episode collection: a few short pixel episodes of cartpole-swingup played by an
 * agent into a fresh replay buffer (real MuJoCo and renderer, seeded per episode).
 */
import { type Agent, Rng } from '@vmbrl/core';
import { makeWrappedEnv } from '@vmbrl/envs';
import { EpisodeBuffer } from '@vmbrl/replay';
import { playEpisode } from '../loop/episodes.js';

export interface CollectOptions {
  agent: Agent<unknown, unknown>;
  episodes: number;
  actionRepeat: number;
  /** Agent steps per episode. */
  timeLimit: number;
  capacitySteps: number;
  /** Episode 0 random and the rest with exploration noise, unless every episode is random. */
  allRandom?: boolean;
}

export async function collectEpisodes(options: CollectOptions): Promise<EpisodeBuffer> {
  const env = await makeWrappedEnv({
    task: 'cartpole-swingup',
    actionRepeat: options.actionRepeat,
    pixels: true,
    timeLimit: options.timeLimit,
  });
  const buffer = new EpisodeBuffer({ capacitySteps: options.capacitySteps });
  try {
    for (let i = 0; i < options.episodes; i++) {
      const played = await playEpisode({
        env,
        agent: options.agent,
        mode: i === 0 || options.allRandom ? 'random' : 'explore',
        seed: i,
        actionRng: new Rng(i),
        checkStop: () => {},
      });
      buffer.add(played.episode);
    }
  } finally {
    env.close();
  }
  return buffer;
}
