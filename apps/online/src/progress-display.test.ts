import type { OnlineProgress } from '@vmbrl/agents';
import { describe, expect, it } from 'vitest';
import { ProgressDisplay, formatProgress } from './progress-display.js';

const snapshot: OnlineProgress = {
  phase: 'collect',
  episodes: 12,
  envSteps: 12_345,
  updates: 1_100,
  evaluations: 2,
  episodeStep: 40,
  updatesPerSecond: 1.53,
  lastLosses: { loss: 573.2, image: 569.1, reward: 0.031, kl: 3 },
  lastReturn: 101.26,
  lastEvalReturn: 150.04,
  elapsedSeconds: 185,
  fractionDone: 0.4,
  etaSeconds: 4030,
};

describe('formatProgress', () => {
  it('labels every field; without a width limit it shows them all', () => {
    expect(formatProgress(snapshot, 30)).toBe(
      'collect | ep 12/30 | step 40 | env steps 12k | updates 1.1k | 1.5 upd/s | loss 573 | image 569 reward 0.03 kl 3 | return 101.3 | eval return 150.0 | done 40% | elapsed 3m05s | ETA 1h07m',
    );
  });

  it('drops the least important fields first to fit the width, never the phase or the ETA', () => {
    // Widths chosen at the boundaries of the full line's fields (lengths counted by hand).
    // The full line is 185 characters; each drop removes a field and its 3-character separator:
    // image/reward/kl 185 -> 156, step 146, upd/s 134, elapsed 118, done 107, updates 92,
    // env steps 76, loss 65, return 50, eval return 30, ep 19.
    const cases: [number, string][] = [
      [
        140,
        'collect | ep 12/30 | env steps 12k | updates 1.1k | loss 573 | return 101.3 | eval return 150.0 | done 40% | elapsed 3m05s | ETA 1h07m',
      ],
      [
        120,
        'collect | ep 12/30 | env steps 12k | updates 1.1k | loss 573 | return 101.3 | eval return 150.0 | done 40% | ETA 1h07m',
      ],
      [80, 'collect | ep 12/30 | loss 573 | return 101.3 | eval return 150.0 | ETA 1h07m'],
      [60, 'collect | ep 12/30 | eval return 150.0 | ETA 1h07m'],
      [40, 'collect | ep 12/30 | ETA 1h07m'],
      [19, 'collect | ETA 1h07m'],
      // Narrower than the phase and the ETA: the phase is cut.
      [14, 'coll ETA 1h07m'],
    ];
    for (const [width, line] of cases) {
      const got = formatProgress(snapshot, 30, width);
      expect(got, `width ${width}`).toBe(line);
      expect(got.length).toBeLessThanOrEqual(width);
      expect(got.endsWith('ETA 1h07m')).toBe(true);
    }
  });

  it('an unknown ETA and eval return show as ? and -', () => {
    const start = { ...snapshot, etaSeconds: null, lastEvalReturn: null, lastLosses: null };
    // 134 characters in full; 54 once step, upd/s, elapsed, done, updates and env steps went.
    expect(formatProgress(start, null, 60)).toBe(
      'collect | ep 12 | return 101.3 | eval return - | ETA ?',
    );
  });
});

describe('ProgressDisplay', () => {
  it('on a terminal, writes one line that fits its columns', () => {
    let written = '';
    const stream = {
      isTTY: true,
      columns: 61,
      write: (text: string) => {
        written += text;
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    new ProgressDisplay(stream, 30, 0).update(snapshot);
    expect(written).toBe(`\r\x1b[2K${formatProgress(snapshot, 30, 60)}`);
  });
});
