import { describe, expect, it } from 'vitest';
import { type Budget, type OnlineProgress, ProgressTracker, estimateEta } from './progress.js';
import type { LoopState } from './run-dir.js';

const none: Budget = { episodes: null, envSteps: null, minutes: null };
// The latest iteration took 40 s (t = 60 -> 100) and 800 env steps, ending at episode 3.
const previous = { elapsed: 60, episodes: 2, envSteps: 1600 };
const last = { elapsed: 100, episodes: 3, envSteps: 2400 };

describe('estimateEta', () => {
  it('episodes: the iteration in progress plus the ones left, at the latest pace', () => {
    // At t = 110 the 4th episode has 30 s to go; 6 more follow to reach 10: 30 + 6 * 40.
    const eta = estimateEta({ budget: { ...none, episodes: 10 }, elapsed: 110, last, previous });
    expect(eta).toBe(270);
  });

  it('minutes: the run ends with the first iteration that ends at or after the deadline', () => {
    // Iterations end at 140, 180, 220, 260, 300, 340 ... The deadline 300 s (5 min) is itself an
    // end: 300 - 110. At 310 s (5 min 10 s) the iteration started at 300 still runs: 340 - 110.
    const at = (minutes: number) =>
      estimateEta({ budget: { ...none, minutes }, elapsed: 110, last, previous });
    expect(at(5)).toBe(190);
    expect(at(310 / 60)).toBeCloseTo(230, 9);
    // Past the deadline, only the iteration in progress remains.
    expect(at(1)).toBe(30);
  });

  it('env steps: the steps left at the latest iteration steps per second', () => {
    // 20 steps a second; 2400 -> 4000 is 80 s after t = 100, so 70 s after t = 110.
    const eta = estimateEta({ budget: { ...none, envSteps: 4000 }, elapsed: 110, last, previous });
    expect(eta).toBeCloseTo(70, 9);
  });

  it('the budget that ends first wins; no pace or no budget gives no estimate', () => {
    const budget = { episodes: 10, envSteps: 4000, minutes: 5 };
    expect(estimateEta({ budget, elapsed: 110, last, previous })).toBeCloseTo(70, 9);
    expect(estimateEta({ budget, elapsed: 110, last, previous: null })).toBeNull();
    expect(estimateEta({ budget: none, elapsed: 110, last, previous })).toBeNull();
  });

  it('a learning agent has no pace from an iteration without updates (a seed episode)', () => {
    const budget = { ...none, episodes: 10 };
    const seedEnd = { ...last, updates: 0 };
    const seedStart = { ...previous, updates: 0 };
    expect(
      estimateEta({ budget, elapsed: 110, last: seedEnd, previous: seedStart, learns: true }),
    ).toBeNull();
    // The same marks for an agent that never updates (the CEM oracle) do give one: 30 + 6 * 40.
    expect(estimateEta({ budget, elapsed: 110, last: seedEnd, previous: seedStart })).toBe(270);
    // Once an iteration made updates, its pace counts.
    const trained = { ...last, updates: 100 };
    expect(
      estimateEta({ budget, elapsed: 110, last: trained, previous: seedStart, learns: true }),
    ).toBe(270);
  });
});

describe('ProgressTracker', () => {
  it('measures the pace between checkpoints on its clock, from startClock on', () => {
    let now = 1000;
    const seen: OnlineProgress[] = [];
    const tracker = new ProgressTracker(
      { episodes: 5, envSteps: null, minutes: null },
      { listener: (p) => seen.push(p), clock: () => now },
    );
    const rng = { key: 0, words: [1, 2, 3, 4] as [number, number, number, number] };
    const state = (episodes: number): LoopState => ({
      episodes,
      envSteps: 100 * episodes,
      updates: 0,
      evaluations: 0,
      lastEvalReturn: null,
      streams: { actions: rng, replay: rng },
      replayFiles: [],
    });
    now = 1005; // time spent before the run starts is not counted
    tracker.startClock(state(1));
    now = 1025;
    tracker.emit('checkpoint', state(2)); // the first iteration took 20 s
    now = 1030;
    tracker.emit('train', state(2));
    // 15 s left of the 3rd episode, then 2 more of 20 s: 55 s.
    expect(seen.at(-1)).toMatchObject({ elapsedSeconds: 25, etaSeconds: 55, fractionDone: 0.4 });
    tracker.emit('done', state(2));
    expect(seen.at(-1)?.etaSeconds).toBe(0);
  });
});
