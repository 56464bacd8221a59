/**
 * Dreamer's contrastive representation objective (Dreamer eq. 12-13, `model.objective:
 * contrastive`): the world model has no decoder, a state model q(s_t | o_t), and its loss is
 * the InfoNCE bound over the batch's frames, checked here against a plain-JS computation from
 * the same posterior samples and state-model outputs; a few debug updates of the Dreamer agent
 * run with it (finite, the state model learns, no tensor leaks).
 */
import { Rng, type SequenceBatch } from '@vmbrl/core';
import type { EpisodeBuffer } from '@vmbrl/replay';
import { initBackend, tf } from '@vmbrl/tensor';
import { IMAGE_SIZE, type WorldModelConfig } from '@vmbrl/world-models';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRunConfig, validateRunConfig } from '../registry.js';
import { collectEpisodes } from '../test-helpers/collect-episodes.js';
import { DreamerAgent } from './agent.js';
import type { DreamerRunConfig } from './config.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const debug = resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 5, {
  model: { objective: 'contrastive' },
} as never) as DreamerRunConfig;

function agentWith(model: WorldModelConfig): DreamerAgent {
  return new DreamerAgent({
    actionDim: 1,
    seed: 3,
    model,
    dreamer: debug.dreamer,
    explorationNoise: 0.3,
  });
}

function replayOf(agent: DreamerAgent, episodes: number): Promise<EpisodeBuffer> {
  return collectEpisodes({
    agent,
    episodes,
    actionRepeat: 2,
    timeLimit: 12,
    capacitySteps: 500,
    allRandom: true,
  });
}

/** -mean_i [ln q(s_i|o_i) - ln sum_j q(s_i|o_j)] with diagonal Gaussians, in float64. */
function infoNce(states: number[][], mean: number[][], std: number[][]): number {
  const logQ = (s: number[], j: number) =>
    s.reduce((sum, x, d) => {
      const z = (x - mean[j][d]) / std[j][d];
      return sum - 0.5 * z * z - Math.log(std[j][d]) - 0.5 * Math.log(2 * Math.PI);
    }, 0);
  let total = 0;
  states.forEach((s, i) => {
    const scores = states.map((_, j) => logQ(s, j));
    const top = Math.max(...scores);
    const logSum = top + Math.log(scores.reduce((sum, v) => sum + Math.exp(v - top), 0));
    total += scores[i] - logSum;
  });
  return -total / states.length;
}

describe("Dreamer's contrastive objective", () => {
  it('is a config switch: validated, and refused by name when misspelt', () => {
    expect(debug.model.objective).toBe('contrastive');
    const bad = structuredClone(debug);
    (bad.model as { objective: string }).objective = 'contrastiv';
    expect(() => validateRunConfig(bad)).toThrow(/objective.*reconstruction, contrastive, reward/);
  });

  it('its loss equals InfoNCE computed independently from the same states; no image term', async () => {
    const agent = agentWith(debug.model);
    const replay = await replayOf(agent, 2);
    const batch = replay.sample(2, 5, new Rng(1), ['image']) as SequenceBatch;
    const model = agent.model;
    expect(model.decodes).toBe(false);
    const rng = model.getRngState();
    const loss = model.loss(batch);
    const terms = Object.fromEntries(
      Object.entries(loss.terms).map(([k, v]) => [k, v.dataSync()[0] as number]),
    );
    const total = loss.total.dataSync()[0] as number;
    tf.dispose([loss.total, ...Object.values(loss.terms)]);
    expect(Object.keys(terms)).not.toContain('image');
    // The same sampling streams again: the same dequantisation noise and posterior samples.
    model.setRngState(rng);
    const { states, mean, std } = tf.tidy(() => {
      const inputs = model.toTensors(batch, true);
      const observed = model.observeTensors(inputs.images, inputs.actions);
      const frames = tf.reshape(inputs.images, [-1, IMAGE_SIZE, IMAGE_SIZE, 3]) as tf.Tensor4D;
      const q = model.stateDistribution(frames);
      return {
        states: tf.reshape(observed.posteriors.stoch, [10, -1]),
        mean: q.mean,
        std: q.std,
      };
    });
    const expected = infoNce(
      states.arraySync() as number[][],
      mean.arraySync() as number[][],
      std.arraySync() as number[][],
    );
    tf.dispose([states, mean, std]);
    expect(terms.contrastive).toBeCloseTo(expected, 3);
    // The bound takes the image term's place and weight.
    const { imageScale, rewardScale, klScale } = debug.model;
    expect(total).toBeCloseTo(
      imageScale * terms.contrastive + rewardScale * terms.reward + klScale * terms.kl,
      3,
    );
    await agent.dispose();
  });

  it('objective reward: no decoder and no observation term, rewards and KL only', async () => {
    const agent = agentWith({ ...debug.model, objective: 'reward' });
    const replay = await replayOf(agent, 1);
    expect(agent.model.decodes).toBe(false);
    const loss = agent.model.loss(replay.sample(2, 5, new Rng(1), ['image']) as SequenceBatch);
    const terms = Object.fromEntries(
      Object.entries(loss.terms).map(([k, v]) => [k, v.dataSync()[0] as number]),
    );
    const total = loss.total.dataSync()[0] as number;
    tf.dispose([loss.total, ...Object.values(loss.terms)]);
    expect(Object.keys(terms).sort()).toEqual(['kl', 'klRaw', 'reward']);
    expect(total).toBeCloseTo(
      debug.model.rewardScale * terms.reward + debug.model.klScale * terms.kl,
      4,
    );
    await agent.dispose();
  });

  it('a few debug updates run, train the state model and leak no tensors', async () => {
    const agent = agentWith(debug.model);
    const replay = await replayOf(agent, 2);
    const named = agent.model.namedVariables();
    const stateVars = [...named.keys()].filter((k) => k.startsWith('state-'));
    expect(stateVars.length).toBeGreaterThan(0);
    expect([...named.keys()].some((k) => k.startsWith('decoder'))).toBe(false);
    const before = stateVars.map((k) => (named.get(k) as tf.Variable).dataSync().slice());
    const sample = (i: number) =>
      replay.sample(debug.batchSize, debug.chunkLength, new Rng(i), ['image']) as SequenceBatch;
    agent.train(sample(0)); // creates the optimisers' slots
    const tensors = tf.memory().numTensors;
    for (let i = 1; i <= 3; i++) {
      const values = agent.train(sample(i));
      expect(Number.isFinite(values.contrastive)).toBe(true);
      expect(Number.isFinite(values.loss)).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    const moved = stateVars.filter((k, i) => {
      const after = (named.get(k) as tf.Variable).dataSync();
      return after.some((v, j) => v !== before[i][j]);
    });
    expect(moved.length).toBeGreaterThan(0);
    await agent.dispose();
  });
});
