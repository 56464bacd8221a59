import { Rng } from '@vmbrl/core';
import type { EpisodeBuffer } from '@vmbrl/replay';
import { initBackend, tf } from '@vmbrl/tensor';
import { disposeState } from '@vmbrl/world-models';
import { beforeAll, describe, expect, it } from 'vitest';
import { addExplorationNoise } from '../exploration.js';
import { resolveRunConfig } from '../registry.js';
import { collectEpisodes } from '../test-helpers/collect-episodes.js';
import { PlanetAgent, type PlanetState } from './agent.js';
import type { PlanetRunConfig } from './config.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function debugAgent(bitDepth = 5, planner: Partial<PlanetRunConfig['planner']> = {}): PlanetAgent {
  const config = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 0, {
    model: { bitDepth },
    planner,
  }) as PlanetRunConfig;
  return new PlanetAgent({
    actionDim: 1,
    seed: 7,
    model: config.model,
    planner: config.planner,
    explorationNoise: 0.3,
  });
}

function collect(agent: PlanetAgent, episodes: number): Promise<EpisodeBuffer> {
  return collectEpisodes({ agent, episodes, actionRepeat: 8, timeLimit: 12, capacitySteps: 1000 });
}

describe('PlanetAgent', () => {
  it('filters online exactly as the model filters the whole sequence', async () => {
    // 8-bit images: no dequantisation noise, so both paths draw the same seeds in the same order.
    const agent = debugAgent(8);
    const buffer = await collect(agent, 1);
    const batch = buffer.sample(1, 13, new Rng(0), ['image']);
    const frame = 64 * 64 * 3;
    const saved = agent.model.getRngState();
    const online: number[][] = [];
    let state: PlanetState | null = null;
    for (let t = 0; t < 13; t++) {
      const belief = agent.filter(batch.image!.subarray(t * frame, (t + 1) * frame), state);
      if (state) disposeState(state.belief);
      online.push([
        ...belief.mean.dataSync(),
        ...belief.stoch.dataSync(),
        ...belief.deter!.dataSync(),
      ]);
      // action[t + 1] led to observation t + 1.
      state = { belief, action: batch.action.slice(t + 1, t + 2) };
    }
    if (state) disposeState(state.belief);
    agent.model.setRngState(saved);
    const observed = agent.model.observe(batch);
    const { mean, stoch, deter } = observed.posteriors;
    const m = mean.arraySync()[0]!;
    const s = stoch.arraySync()[0]!;
    const d = deter!.arraySync()[0]!;
    for (let t = 0; t < 13; t++) {
      const whole = [...m[t]!, ...s[t]!, ...d[t]!];
      online[t]!.forEach((v, i) => expect(v).toBeCloseTo(whole[i]!, 5));
    }
    tf.dispose([observed.features, mean, stoch, deter!, observed.posteriors.std]);
    disposeState(observed.priors);
    await agent.dispose();
  });

  it('a training update plus planned steps leaves the tensor count unchanged', async () => {
    const agent = debugAgent();
    const buffer = await collect(agent, 2);
    const rng = new Rng(1);
    const frame = new Uint8Array(64 * 64 * 3).fill(90);
    const round = async () => {
      agent.train(buffer.sample(2, 6, rng, ['image']));
      let state: PlanetState | null = null;
      for (let t = 0; t < 3; t++) {
        ({ state } = await agent.policy({ image: frame }, state, { explore: true }));
      }
      agent.disposeState(state);
    };
    await round();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await round();
    expect(tf.memory().numTensors).toBe(before);
    await agent.dispose();
  });

  it("plans with the config's varianceEpsilon: one elite's std is its square root", async () => {
    // With K = 1 the elites' variance is 0, so the refit std is sqrt(0 + epsilon) everywhere.
    const frame = new Uint8Array(64 * 64 * 3).fill(90);
    for (const [varianceEpsilon, std] of [
      [0, 0],
      [0.01, 0.1],
    ] as const) {
      const agent = debugAgent(5, { topK: 1, varianceEpsilon });
      const { state } = await agent.policy({ image: frame }, null, { explore: false });
      agent.disposeState(state);
      for (const s of agent.lastPlan?.std ?? []) expect(s).toBeCloseTo(std, 6);
      expect(agent.lastPlan?.std.length).toBe(3); // H = 3 steps of one action
      await agent.dispose();
    }
  });

  it('exploration noise is N(0, std) added to the plan, then clipped to [-1, 1]', () => {
    const draws = [1, -5, 0.1];
    const noisy = addExplorationNoise(new Float32Array([0.5, 0.5, 0.9]), 0.3, () => draws.shift()!);
    expect(noisy[0]).toBeCloseTo(0.8, 6);
    expect(noisy[1]).toBe(-1);
    expect(noisy[2]).toBeCloseTo(0.93, 6);
  });
});
