import { describe, expect, it } from 'vitest';
import { UpdateStats } from './update-stats.js';

/** Feeds updates with loss = their total count, 0.5 s each, from `first` (1-based) on. */
function feed(stats: UpdateStats, phase: 'pretraining' | 'main', first: number, count: number) {
  for (let u = first; u < first + count; u++) stats.record(phase, { loss: u }, 0.5, u);
}

describe('UpdateStats', () => {
  it('logEvery 0: one row per iteration, the mean of its main updates', () => {
    const stats = new UpdateStats(0);
    feed(stats, 'pretraining', 11, 3); // updates 11..13
    feed(stats, 'main', 14, 4); // updates 14..17, mean loss 15.5
    expect(stats.rows(17)).toEqual([
      { loss: 15.5, updates: 17, pretrainUpdates: 3, updatesPerSecond: 2 },
    ]);
    expect(new UpdateStats(0).rows(0)).toEqual([]);
  });

  it('logEvery N: a row at every multiple of N and one for the rest of the iteration', () => {
    // The iteration starts after update 7 and does 10 updates: 8..17. Rows end at 10 (8..10),
    // 15 (11..15) and 17 (16..17, the rest).
    const stats = new UpdateStats(5);
    feed(stats, 'main', 8, 10);
    expect(stats.rows(17)).toEqual([
      { loss: 9, updates: 10, updatesPerSecond: 2 },
      { loss: 13, updates: 15, updatesPerSecond: 2 },
      { loss: 16.5, updates: 17, updatesPerSecond: 2 },
    ]);
  });

  it('logEvery N: pretraining updates get rows of their own, marked pretrain', () => {
    // Pretraining 1..3, then main 4..8 with N = 4: rows end at 3 (pretraining), 4, 8.
    const stats = new UpdateStats(4);
    feed(stats, 'pretraining', 1, 3);
    feed(stats, 'main', 4, 5);
    expect(stats.rows(8)).toEqual([
      { loss: 2, updates: 3, pretrain: true, updatesPerSecond: 2 },
      { loss: 4, updates: 4, updatesPerSecond: 2 },
      { loss: 6.5, updates: 8, updatesPerSecond: 2 },
    ]);
  });

  it('refuses a negative or fractional logEvery', () => {
    expect(() => new UpdateStats(-1)).toThrow('logEvery is -1; allowed: an integer >= 0');
    expect(() => new UpdateStats(1.5)).toThrow('logEvery is 1.5');
  });
});
