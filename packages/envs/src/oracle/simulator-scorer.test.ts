import { Rng } from '@vmbrl/core';
import type { SimulatorEnv } from '@vmbrl/core';
import { cem } from '@vmbrl/planners';
import { initBackend } from '@vmbrl/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWrappedEnv } from '../make.js';
import { ParallelSimulatorScorer, SimulatorScorer } from './simulator-scorer.js';

const opened: SimulatorEnv[] = [];
async function env(config: Parameters<typeof makeWrappedEnv>[0]): Promise<SimulatorEnv> {
  const e = await makeWrappedEnv(config);
  opened.push(e);
  return e;
}

afterAll(() => {
  for (const e of opened) e.close();
});

/** Returns by playing each candidate on a fresh env from the same reset, step by step. */
async function rolloutReturns(
  config: Parameters<typeof makeWrappedEnv>[0],
  seed: number,
  warmup: number[][],
  actions: Float32Array,
  J: number,
  H: number,
  repeat: number,
): Promise<number[]> {
  const out: number[] = [];
  for (let j = 0; j < J; j++) {
    const e = await env(config);
    e.reset(seed);
    for (const a of warmup) e.step(a);
    let total = 0;
    let ended = false;
    for (let t = 0; t < H && !ended; t++) {
      const a = Array.from(actions.slice((j * H + t) * 1, (j * H + t + 1) * 1));
      for (let r = 0; r < repeat && !ended; r++) {
        const ts = e.step(a);
        total += ts.reward;
        ended = ts.last;
      }
    }
    out.push(Math.fround(total));
  }
  return out;
}

describe('SimulatorScorer', () => {
  it('scores each sequence from the belief with action repeat, and leaves the env untouched', async () => {
    const config = { task: 'cartpole-swingup' };
    const acting = await env(config);
    acting.reset(4);
    const warmup = [[0.5], [-0.2], [0.9]];
    for (const a of warmup) acting.step(a);
    const J = 4;
    const H = 5;
    const actions = Float32Array.from({ length: J * H }, (_, i) => Math.sin(1.7 * i));
    const before = acting.getState();
    const scorer = new SimulatorScorer(acting, { actionRepeat: 3 });
    const returns = scorer.score(actions, J, H);
    expect(Array.from(returns)).toEqual(await rolloutReturns(config, 4, warmup, actions, J, H, 3));
    // Different sequences score differently (the test would pass trivially otherwise).
    expect(new Set(returns).size).toBe(J);
    // The acting env continues exactly as a twin that never planned.
    expect(Array.from(acting.getState().physics)).toEqual(Array.from(before.physics));
    const twin = await env(config);
    twin.reset(4);
    for (const a of warmup) twin.step(a);
    expect(acting.step([0.3])).toEqual(twin.step([0.3]));
  });

  it('plans from a belief set with setBelief on a separate env', async () => {
    const acting = await env({ task: 'cartpole-swingup' });
    acting.reset(1);
    acting.step([1]);
    const scorer = new SimulatorScorer(await env({ task: 'cartpole-swingup' }), {
      actionRepeat: 2,
    });
    scorer.setBelief(acting.getState());
    const actions = Float32Array.from([0.1, -0.4, 0.7, 1, -1, 0.2]);
    const expected = await rolloutReturns({ task: 'cartpole-swingup' }, 1, [[1]], actions, 2, 3, 2);
    expect(Array.from(scorer.score(actions, 2, 3))).toEqual(expected);
  });

  it('stops adding rewards at the end of the episode', async () => {
    const acting = await env({ task: 'cartpole-swingup' });
    acting.reset(2);
    for (let t = 0; t < 995; t++) acting.step([Math.sin(t)]);
    const rewards: number[] = [];
    const twin = await env({ task: 'cartpole-swingup' });
    twin.setState(acting.getState());
    for (let t = 0; t < 5; t++) rewards.push(twin.step([0.25]).reward);
    // 3 actions x 4 repeats would be 12 control steps; only 5 remain in the episode.
    const returns = new SimulatorScorer(acting, { actionRepeat: 4 }).score(
      Float32Array.from([0.25, 0.25, 0.25]),
      1,
      3,
    );
    expect(returns[0]).toBe(Math.fround(rewards.reduce((a, b) => a + b, 0)));
  });

  it('rejects bad envs and bad actions with clear errors', async () => {
    await expect(
      async () => new SimulatorScorer(await env({ task: 'cartpole-swingup', actionNoise: 0.3 })),
    ).rejects.toThrow(/cannot plan on an env with ActionNoise/);
    await expect(
      async () => new SimulatorScorer(await env({ task: 'cartpole-swingup', pixels: true })),
    ).rejects.toThrow(/cannot plan on an env with PixelObservation/);
    const e = await env({ task: 'cartpole-swingup' });
    e.reset(0);
    expect(() => new SimulatorScorer(e, { actionRepeat: 0 })).toThrow(
      /oracle: actionRepeat = 0 is invalid; allowed: an integer >= 1/,
    );
    const scorer = new SimulatorScorer(e);
    expect(() => scorer.score(new Float32Array(5), 2, 3)).toThrow(
      /actions = "5 numbers" is invalid; allowed: a Float32Array of \[J=2, H=3, A=1\] = 6 numbers/,
    );
  });
});

describe('ParallelSimulatorScorer', () => {
  it('returns exactly what the single-thread scorer returns', async () => {
    const config = { task: 'cartpole-swingup' };
    const acting = await env(config);
    acting.reset(7);
    for (let t = 0; t < 20; t++) acting.step([Math.cos(t)]);
    const J = 37; // uneven split over 2 workers
    const H = 6;
    const rng = new Rng(5);
    const actions = Float32Array.from({ length: J * H }, () => rng.uniform(-1, 1));
    const single = new SimulatorScorer(acting, { actionRepeat: 4 }).score(actions, J, H);
    const parallel = await ParallelSimulatorScorer.create(config, { actionRepeat: 4, workers: 2 });
    try {
      await expect(parallel.score(actions, J, H)).rejects.toThrow(/call setBelief/);
      parallel.setBelief(acting.getState());
      expect(Array.from(await parallel.score(actions, J, H))).toEqual(Array.from(single));
      // Fewer candidates than workers leaves one idle.
      expect(Array.from(await parallel.score(actions.slice(0, H), 1, H))).toEqual([single[0]]);
    } finally {
      await parallel.close();
    }
    await expect(ParallelSimulatorScorer.create({ ...config, pixels: true })).rejects.toThrow(
      /must not render pixels/,
    );
  });
});

describe('CEM with the true simulator (oracle)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('beats a random policy on cartpole-swingup in a short episode', async () => {
    // Small planner (PlaNet uses J=1000, I=10, K=100), 40 agent steps x R=8 = 320 control steps.
    const steps = 40;
    const acting = await env({ task: 'cartpole-swingup', actionRepeat: 8 });
    const scorer = new SimulatorScorer(await env({ task: 'cartpole-swingup' }), {
      actionRepeat: 8,
    });
    acting.reset(0);
    const rng = new Rng(1);
    let planned = 0;
    for (let t = 0; t < steps; t++) {
      scorer.setBelief(acting.getState());
      const { action } = await cem(scorer, {
        horizon: 12,
        iterations: 4,
        candidates: 64,
        topK: 8,
        rng,
      });
      planned += acting.step(action).reward;
    }
    const randomReturns: number[] = [];
    for (const seed of [0, 1, 2]) {
      acting.reset(0);
      const noise = new Rng(100 + seed);
      let total = 0;
      for (let t = 0; t < steps; t++) total += acting.step([noise.uniform(-1, 1)]).reward;
      randomReturns.push(total);
    }
    // Rewards are in [0, 1] per control step: 320 at most. The pole starts hanging down, where
    // the upright term is ~0, so random actions collect little; swinging it up collects more.
    expect(planned).toBeGreaterThan(2 * Math.max(...randomReturns));
    expect(planned).toBeGreaterThan(80);
  });
});
