import { setTimeout as sleep } from 'node:timers/promises';
import { Rng, type SequenceBatch } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { EpisodeBuffer } from './episode-buffer';
import { PrefetchingSampler } from './prefetch';
import { taggedEpisode } from './testing/tagged-episode';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('PrefetchingSampler', () => {
  const buffer = new EpisodeBuffer({ capacitySteps: 10_000 });
  for (let tag = 0; tag < 10; tag++) buffer.add(taggedEpisode(tag, 200));

  it('hands out the same batches, in order, as the producer called directly', async () => {
    const direct = new Rng(4);
    const expected = Array.from({ length: 5 }, () =>
      Array.from(buffer.sample(4, 20, direct, []).reward),
    );
    const rng = new Rng(4);
    const sampler = new PrefetchingSampler(() => buffer.sample(4, 20, rng, []), { depth: 3 });
    for (const rewards of expected)
      expect(Array.from((await sampler.next()).reward)).toEqual(rewards);
    sampler.close();
  });

  it('recycled batches are overwritten with correct data, not reallocated', async () => {
    const direct = new Rng(8);
    const expected = Array.from({ length: 6 }, () => buffer.sample(4, 20, direct));
    const rng = new Rng(8);
    const sampler = new PrefetchingSampler<SequenceBatch>(
      (reuse) => buffer.sample(4, 20, rng, undefined, reuse),
      {
        depth: 1,
      },
    );
    const seen = new Set<unknown>();
    for (const want of expected) {
      const batch = await sampler.next();
      expect(Array.from(batch.reward)).toEqual(Array.from(want.reward));
      expect(Buffer.compare(Buffer.from(batch.image!), Buffer.from(want.image!))).toBe(0);
      seen.add(batch.image!.buffer);
      sampler.recycle(batch);
    }
    sampler.close();
    // depth 1 plus one batch in the consumer's hands: at most 3 distinct image buffers in total.
    expect(seen.size).toBeLessThanOrEqual(3);
  });

  it('next() does not wait when the consumer is slower than the producer', async () => {
    const rng = new Rng(1);
    const sampler = new PrefetchingSampler(() => buffer.sample(16, 50, rng));
    const waits: number[] = [];
    await sleep(50); // let the first batches be produced, as during a trainer's first step
    for (let step = 0; step < 12; step++) {
      const t0 = performance.now();
      const batch = await sampler.next();
      waits.push(performance.now() - t0);
      expect(batch.image!.length).toBe(16 * 50 * 64 * 64 * 3);
      await sleep(30); // the trainer's step, awaiting asynchronous work
    }
    const produceMs = sampler.stats.produceMs / (sampler.stats.batches + sampler.readyCount);
    sampler.close();
    // Producing a batch costs real time (copying ~9.8 MB of frames) but the consumer never waits.
    expect(produceMs).toBeGreaterThan(0.5);
    expect(sampler.stats.waits).toBe(0);
    expect(median(waits)).toBeLessThan(Math.min(1, produceMs));
  });

  it('a fast consumer waits for the producer', async () => {
    const rng = new Rng(2);
    const sampler = new PrefetchingSampler(() => buffer.sample(16, 50, rng), { depth: 1 });
    for (let step = 0; step < 4; step++) await sampler.next();
    expect(sampler.stats.waits).toBeGreaterThan(0);
    sampler.close();
  });

  it('reports the producer error on next()', async () => {
    const rng = new Rng(3);
    const sampler = new PrefetchingSampler(() => buffer.sample(2, 500, rng));
    await expect(sampler.next()).rejects.toThrow(/no stored episode has 500 rows/);
    await expect(sampler.next()).rejects.toThrow(/no stored episode has 500 rows/);
    expect(() => new PrefetchingSampler(() => 1, { depth: 0 })).toThrow(
      /depth = 0 is invalid; allowed: an integer >= 1/,
    );
  });
});
