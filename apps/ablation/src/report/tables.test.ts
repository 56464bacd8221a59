import { describe, expect, it } from 'vitest';
import type { PlannedCell } from '../plan.js';
import type { CellResult, CollectedCell } from './collect.js';
import {
  capacityTable,
  costNormalisedTable,
  groupCells,
  onlineScoreTable,
  tableCsv,
  tableMarkdown,
} from './tables.js';

function cell(
  design: string,
  task: string,
  seed: number,
  point: string,
  result: Partial<CellResult> | null,
): CollectedCell {
  const planned = {
    design,
    baseDesign: design,
    behaviour: 'cem',
    task,
    seed,
    point,
    cell: null,
  } as PlannedCell;
  if (!result) return { planned, result: null, missing: 'not run' };
  return {
    planned,
    result: {
      curve: { x: [1], y: [result.finalScore ?? 0], envSteps: 1 },
      finalScore: 0,
      trainStepSeconds: null,
      inferenceSeconds: null,
      params: null,
      imageError: null,
      rewardError: null,
      rewards: [],
      randomReturns: [],
      ...result,
    },
  };
}

describe('study tables', () => {
  it('Table 5 and 7: mean, sample std, the paper beside, and score / inference seconds', () => {
    const groups = groupCells([
      cell('LTLR', 'cheetah-run', 0, '', { finalScore: 400, inferenceSeconds: 2 }),
      cell('LTLR', 'cheetah-run', 1, '', { finalScore: 500, inferenceSeconds: 4 }),
      cell('LTLR', 'cheetah-run', 2, '', null),
    ]);
    const [row] = onlineScoreTable(groups).rows;
    // mean 450, sample std sqrt(2 * 50^2 / 1) = 70.71; paper LTLR cheetah-run 426 +- 10.
    expect(row).toEqual(['LTLR', 'cem', '-', 'cheetah-run', '2/3', 450, 70.71, 426, 10, 24]);
    const [normalised] = costNormalisedTable(groups).rows;
    // median inference 3 s: 450 / 3 = 150; the paper's 42.6.
    expect(normalised).toEqual(['LTLR', 'cem', '-', 'cheetah-run', 150, 42.6, 107.4]);
    expect(tableMarkdown(onlineScoreTable(groups))).toContain(
      '| LTLR | cem | - | cheetah-run | 2/3 | 450 | 70.71 | 426 | 10 | 24 |',
    );
  });

  it('shows a group without results as missing, never drops it', () => {
    const table = onlineScoreTable(groupCells([cell('R', 'walker-walk', 0, '', null)]));
    expect(table.rows).toEqual([['R', 'cem', '-', 'walker-walk', '0/1', null, null, 156, 3, null]]);
    expect(tableMarkdown(table)).toContain('| 0/1 | missing | missing | 156 | 3 | missing |');
    expect(tableCsv(table).split('\n')[1]).toBe('R,cem,-,walker-walk,0/1,,,156,3,');
  });

  it('Table 3: Pearson correlations of the errors with the score across sweep points', () => {
    // Points: S = 1, 2, 3; L_O = 3, 2, 1 (rho = -1); L_R = 1, 1, 4 (rho = 0.866: by hand,
    // deviations S (-1, 0, 1), L_R (-1, -1, 2); sum products 3; norms sqrt 2, sqrt 6).
    const cells = [
      cell('LTLR', 'cheetah-run', 0, 'model.deterSize=50', {
        finalScore: 1,
        imageError: 3,
        rewardError: 1,
      }),
      cell('LTLR', 'cheetah-run', 0, 'model.deterSize=100', {
        finalScore: 2,
        imageError: 2,
        rewardError: 1,
      }),
      cell('LTLR', 'cheetah-run', 0, 'model.deterSize=200', {
        finalScore: 3,
        imageError: 1,
        rewardError: 4,
      }),
    ];
    const table = capacityTable(groupCells(cells));
    expect(table?.rows).toEqual([
      [
        'LTLR',
        'cem',
        'cheetah-run',
        '3/3',
        -1,
        Number((3 / Math.sqrt(12)).toFixed(3)),
        2,
        1,
        -0.92,
        0.17,
        566,
        60,
      ],
    ]);
    expect(
      capacityTable(
        groupCells([cells[0]].map((c) => ({ ...c, planned: { ...c.planned, point: '' } }))),
      ),
    ).toBeNull();
  });
});
