import { describe, expect, it } from 'vitest';
import type { PlannedCell } from '../plan.js';
import type { CellResult, CollectedCell } from './collect.js';
import { rankAgreementTable, ranksDescending, spearman } from './ranks.js';
import { groupCells } from './tables.js';

function cell(design: string, seed: number, finalScore: number, random: number[]): CollectedCell {
  const planned = {
    design,
    baseDesign: design,
    behaviour: 'cem',
    task: 'cartpole-swingup',
    seed,
    point: '',
    cell: null,
  } as PlannedCell;
  const result: CellResult = {
    curve: { x: [1], y: [finalScore], envSteps: 1 },
    finalScore,
    trainStepSeconds: null,
    inferenceSeconds: null,
    params: null,
    imageError: null,
    rewardError: null,
    rewards: [],
    randomReturns: random,
  };
  return { planned, result };
}

describe('rank agreement with the paper', () => {
  it('ranks ties by their mean rank, and Spearman is 1 / -1 for the same / reversed order', () => {
    expect(ranksDescending([10, 30, 20, 30])).toEqual([4, 1.5, 3, 1.5]);
    expect(spearman([1, 2, 3], [10, 20, 30])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3], [30, 20, 10])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2], [1, 2])).toBeNull();
    expect(spearman([0, 0, 0], [1, 2, 3])).toBeNull(); // three designs all scoring 0
    // ranks (1, 2, 3, 4) against (2, 1, 4, 3): d^2 = 4, rho = 1 - 6 * 4 / (4 * 15) = 0.6
    expect(spearman([40, 30, 20, 10], [30, 40, 10, 20])).toBeCloseTo(0.6, 12);
  });

  it('orders the designs of a task beside the paper and averages one random set per seed', () => {
    // Paper's Table 5 on cartpole-swingup: LTLR 341, OTOR 381, R 215, oracle 394 (n/a rows skip).
    const groups = groupCells([
      cell('LTLR', 0, 50, [2, 4]),
      cell('LTLR', 1, 70, [6, 8]),
      cell('OTOR', 0, 40, [2, 4]), // the same seed's random episodes: counted once
      cell('R', 0, 5, [2, 4]),
      cell('OTLR', 0, 5, [2, 4]),
    ]);
    const [row] = rankAgreementTable(groups).rows;
    // ours: LTLR 60 > OTOR 40 > R 5 = OTLR 5 -> ranks (1, 2, 3.5, 3.5); paper: LTLR 341, OTOR
    // 381, R 215, OTLR 398 -> (3, 2, 4, 1). Deviations from the mean rank 2.5: ours (-1.5, -0.5,
    // 1, 1), paper (0.5, -0.5, 1.5, -1.5); products sum to -0.75 + 0.25 + 1.5 - 1.5 = -0.5;
    // squares to 4.5 and 5: rho = -0.5 / sqrt(22.5) = -0.105. Random: mean of 2, 4, 6, 8 = 5.
    expect(row).toEqual([
      'cartpole-swingup',
      4,
      'LTLR > OTOR > R = OTLR',
      'OTLR > OTOR > LTLR > R',
      -0.11,
      5,
      4,
    ]);
  });
});
