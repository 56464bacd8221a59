import { Rng, initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomShooting } from './random-shooting.js';
import { QuadraticScorer } from './test-scorers.js';

beforeAll(async () => {
  await initBackend();
});

const H = 4;
const A = 3;
const J = 50;
const target = Float32Array.from({ length: H * A }, (_, k) => 0.9 * Math.cos(k));

describe('randomShooting', () => {
  // Noise with some values beyond the bounds, so clipping matters for the winner.
  const rng = new Rng(21);
  const noise = Float32Array.from({ length: J * H * A }, () => rng.normal(0, 1.3));

  /** Best candidate computed independently: clip, sum squared errors, argmax. */
  function expectedBest(): { index: number; value: number } {
    let index = -1;
    let value = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < J; j++) {
      let sum = 0;
      for (let k = 0; k < H * A; k++) {
        const a = Math.min(1, Math.max(-1, noise[j * H * A + k] as number));
        sum -= (a - (target[k] as number)) ** 2;
      }
      if (sum > value) [index, value] = [j, sum];
    }
    return { index, value };
  }

  for (const path of ['tensor', 'array'] as const) {
    it(`${path} path picks the best of the J candidates`, async () => {
      const scorer = new QuadraticScorer(A, target);
      const result = await randomShooting(scorer, {
        horizon: H,
        candidates: J,
        seed: 0,
        standardNormal: () => noise,
        path,
      });
      const best = expectedBest();
      expect(result.bestIndex).toBe(best.index);
      expect(result.bestReturn).toBeCloseTo(best.value, 4);
      const clippedRow = noise
        .slice(best.index * H * A, (best.index + 1) * H * A)
        .map((v) => Math.min(1, Math.max(-1, v)));
      expect(Array.from(result.sequence)).toEqual(Array.from(clippedRow));
      expect(Array.from(result.action)).toEqual(Array.from(clippedRow.slice(0, A)));
      expect(scorer.scoreCalls).toBe(1);
    });

    it(`${path} path: the same seed gives the same action, and more candidates score better`, async () => {
      const scorer = new QuadraticScorer(A, target);
      const a = await randomShooting(scorer, { horizon: H, candidates: J, seed: 4, path });
      const b = await randomShooting(scorer, { horizon: H, candidates: J, seed: 4, path });
      expect(Array.from(a.action)).toEqual(Array.from(b.action));
      // The best of 2000 draws beats the best of 5 on average over seeds.
      let few = 0;
      let many = 0;
      for (let seed = 0; seed < 5; seed++) {
        few += (await randomShooting(scorer, { horizon: H, candidates: 5, seed, path })).bestReturn;
        many += (await randomShooting(scorer, { horizon: H, candidates: 2000, seed, path }))
          .bestReturn;
      }
      expect(many).toBeGreaterThan(few);
    });
  }

  it('leaves no tensors behind and rejects bad options', async () => {
    const scorer = new QuadraticScorer(A, target);
    await randomShooting(scorer, { horizon: H, candidates: J, seed: 1 });
    const before = tf.memory().numTensors;
    await randomShooting(scorer, { horizon: H, candidates: J, seed: 2 });
    expect(tf.memory().numTensors).toBe(before);
    await expect(randomShooting(scorer, { horizon: 0, candidates: J, seed: 1 })).rejects.toThrow(
      /randomShooting: horizon = 0 is invalid; allowed: an integer >= 1/,
    );
    await expect(randomShooting(scorer, { horizon: H, candidates: 1.5, seed: 1 })).rejects.toThrow(
      /randomShooting: candidates = 1.5 is invalid; allowed: an integer >= 1/,
    );
  });
});
