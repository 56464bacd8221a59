import { Rng } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { EpisodeBuilder, makeEpisode } from './episode';
import { EpisodeBuffer } from './episode-buffer';
import { FRAME, taggedEpisode } from './testing/tagged-episode';

/** Upper 0.1% point of chi-square with `df` degrees of freedom (Wilson-Hilferty approximation). */
function chiSquareCritical(df: number): number {
  const z = 3.0902; // standard normal 0.999 quantile
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

function chiSquare(counts: number[], expected: number): number {
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe('EpisodeBuilder', () => {
  it('stores the reset observation with zero action, reward 0 and discount 1', () => {
    const builder = new EpisodeBuilder(2, [1, 1, 3]);
    builder.start({ image: Uint8Array.from([1, 2, 3]) });
    builder.add([0.5, -0.5], 2, 1, { image: Uint8Array.from([4, 5, 6]) });
    builder.add([1, 1], 3, 0, { image: Uint8Array.from([7, 8, 9]) });
    const episode = builder.finish();
    expect(episode.length).toBe(3);
    expect(Array.from(episode.action)).toEqual([0, 0, 0.5, -0.5, 1, 1]);
    expect(Array.from(episode.reward)).toEqual([0, 2, 3]);
    expect(Array.from(episode.discount)).toEqual([1, 1, 0]);
    expect(Array.from(episode.image!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('EpisodeBuffer', () => {
  it('evicts the oldest episodes and keeps the newest steps', () => {
    const buffer = new EpisodeBuffer({ capacitySteps: 50 });
    const lengths = [10, 20, 30, 15, 5, 40];
    const keptAfter: number[][] = [];
    lengths.forEach((T, tag) => {
      buffer.add(taggedEpisode(tag, T));
      keptAfter.push(buffer.episodes().map((e) => e.episode.reward[0] / 1000));
      expect(buffer.numSteps).toBeLessThanOrEqual(50);
    });
    // By hand: 10, 10+20, 10+20+30 > 50 -> drop 10 -> 50, +15 -> drop 20 -> 45, +5 -> 50,
    // +40 -> drop 30 and 15 -> 45.
    expect(keptAfter).toEqual([[0], [0, 1], [1, 2], [2, 3], [2, 3, 4], [4, 5]]);
    expect(buffer.numSteps).toBe(45);
    expect(buffer.numBytes).toBe(45 * (FRAME + 4 * 2 + 4 + 4));
  });

  it('keeps a single episode longer than the capacity', () => {
    const buffer = new EpisodeBuffer({ capacitySteps: 10 });
    buffer.add(taggedEpisode(0, 5));
    buffer.add(taggedEpisode(1, 12));
    expect(buffer.episodes().map((e) => e.id)).toEqual([1]);
  });

  it('rejects an episode with different shapes, naming the difference', () => {
    const buffer = new EpisodeBuffer({ capacitySteps: 100 });
    buffer.add(taggedEpisode(0, 5));
    const other = makeEpisode({
      image: new Uint8Array(2 * FRAME),
      action: new Float32Array(6),
      reward: new Float32Array(2),
      discount: new Float32Array(2),
    });
    expect(() => buffer.add(other)).toThrow(/action dim 3, expected 2/);
  });
});

describe('sequence sampling', () => {
  const L = 10;
  // Lengths by hand: valid starts per episode are max(0, T - L + 1) = 0, 1, 6, 21, 91 -> 119.
  const lengths = [L - 1, L, L + 5, 3 * L, 100];
  const buffer = new EpisodeBuffer({ capacitySteps: 10_000 });
  lengths.forEach((T, tag) => buffer.add(taggedEpisode(tag, T)));

  it('returns chunks that are exact copies of episode rows', () => {
    const batch = buffer.sample(8, L, new Rng(3));
    expect(batch.shapes).toEqual({
      action: [8, L, 2],
      reward: [8, L],
      discount: [8, L],
      image: [8, L, 64, 64, 3],
    });
    expect(batch.image!.length).toBe(8 * L * FRAME);
    for (let b = 0; b < 8; b++) {
      const tag = batch.episodeIds[b];
      const start = batch.starts[b];
      expect(start + L).toBeLessThanOrEqual(lengths[tag]);
      for (let t = 0; t < L; t++) {
        const row = b * L + t;
        expect(batch.reward[row]).toBe(tag * 1000 + start + t);
        expect(batch.discount[row]).toBe(start + t === lengths[tag] - 1 ? 0 : 1);
        expect(batch.action[row * 2 + 1]).toBe(tag * 10000 + (start + t) * 2 + 1);
        expect(batch.image![row * FRAME + 77]).toBe((tag * 7 + start + t) % 256);
      }
    }
  });

  it('draws every valid start equally often (chi-square), unlike episode-then-start sampling', () => {
    const validStarts = lengths.map((T) => Math.max(0, T - L + 1));
    const total = validStarts.reduce((a, b) => a + b, 0);
    expect(total).toBe(119);
    const offsets = validStarts.map((_, i) => validStarts.slice(0, i).reduce((a, b) => a + b, 0));
    const counts = new Array(total).fill(0);
    const rng = new Rng(11);
    const draws = 200 * total;
    for (let n = 0; n < draws / 50; n++) {
      const batch = buffer.sample(50, L, rng, []);
      for (let b = 0; b < 50; b++) {
        // Identify the start from the sampled data itself (first reward of the chunk).
        const first = batch.reward[b * L];
        const tag = Math.floor(first / 1000);
        counts[offsets[tag] + (first - tag * 1000)]++;
      }
    }
    const statistic = chiSquare(counts, draws / total);
    const critical = chiSquareCritical(total - 1);
    expect(critical).toBeGreaterThan(165);
    expect(critical).toBeLessThan(175);
    expect(statistic).toBeLessThan(critical);

    // Negative control: picking an episode uniformly first (then a start) is far from uniform
    // over starts, and the same statistic detects it.
    const eligible = validStarts.map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0);
    const biased = new Array(total).fill(0);
    const other = new Rng(12);
    for (let n = 0; n < draws; n++) {
      const e = eligible[other.int(eligible.length)];
      biased[offsets[e] + other.int(validStarts[e])]++;
    }
    expect(chiSquare(biased, draws / total)).toBeGreaterThan(10 * critical);
  });

  it('is deterministic under a seed', () => {
    const a = buffer.sample(20, L, new Rng(5));
    const b = buffer.sample(20, L, new Rng(5));
    const c = buffer.sample(20, L, new Rng(6));
    expect(Array.from(a.reward)).toEqual(Array.from(b.reward));
    expect(Buffer.compare(Buffer.from(a.image!), Buffer.from(b.image!))).toBe(0);
    expect(Array.from(a.reward)).not.toEqual(Array.from(c.reward));
  });

  it('skips short episodes and errors clearly when none is long enough', () => {
    const short = new EpisodeBuffer({ capacitySteps: 1000 });
    short.add(taggedEpisode(0, 3));
    short.add(taggedEpisode(1, 6));
    for (let i = 0; i < 20; i++)
      expect(short.sample(4, 5, new Rng(i)).episodeIds.every((id) => id === 1)).toBe(true);
    expect(() => short.sample(4, 7, new Rng(0))).toThrow(
      'sample: no stored episode has 7 rows (longest has 6); sample shorter chunks or collect longer episodes',
    );
    expect(() => new EpisodeBuffer({ capacitySteps: 5 }).sample(1, 1, new Rng(0))).toThrow(/empty/);
    expect(() => short.sample(0, 5, new Rng(0))).toThrow(
      /sample: batchSize = 0 is invalid; allowed: an integer >= 1/,
    );
    expect(() => short.sample(2, 2, new Rng(0), ['state'])).toThrow(
      "sample: column 'state' is not stored (available: image)",
    );
  });
});

describe('transition sampling (ALM)', () => {
  it('returns K+1 observations and the K transitions between them', () => {
    const buffer = new EpisodeBuffer({ capacitySteps: 1000 });
    buffer.add(taggedEpisode(0, 4, { state: true }));
    buffer.add(taggedEpisode(1, 9, { state: true }));
    const K = 3;
    const batch = buffer.sampleTransitions(16, K, new Rng(1), ['state']);
    expect(batch.image).toBeUndefined();
    expect(batch.shapes).toEqual({
      action: [16, K, 2],
      reward: [16, K],
      discount: [16, K],
      state: [16, K + 1, 2],
    });
    for (let b = 0; b < 16; b++) {
      const tag = batch.episodeIds[b];
      const s = batch.starts[b];
      for (let k = 0; k <= K; k++) {
        // state value at row t, dim d is tag + (2t + d)/2
        expect(batch.state![(b * (K + 1) + k) * 2]).toBe(tag + (s + k));
      }
      for (let k = 0; k < K; k++) {
        // Transition k goes from row s+k to s+k+1: it carries row s+k+1's action and reward.
        expect(batch.reward[b * K + k]).toBe(tag * 1000 + s + k + 1);
        expect(batch.action[(b * K + k) * 2]).toBe(tag * 10000 + (s + k + 1) * 2);
      }
    }
  });
});
