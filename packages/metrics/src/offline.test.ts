import { describe, expect, it } from 'vitest';
import { rewardHeatmapSvg } from './offline-plots.js';
import {
  PAPER_OFFLINE,
  offlineTables,
  offlineTablesCsv,
  offlineTablesMarkdown,
} from './offline-tables.js';
import {
  errorSummary,
  histogram2d,
  imageWindowErrors,
  rewardWindowErrors,
  scoreSummary,
} from './offline.js';

describe('offline scores and errors', () => {
  it('the score is the 90th percentile of the returns, interpolated as numpy', () => {
    // Sorted: 10 20 30 40 50 60 70 80 90 100; h = 9 * 0.9 = 8.1 -> 90 + 0.1 * (100 - 90) = 91.
    const s = scoreSummary([50, 10, 100, 30, 70, 20, 90, 40, 60, 80]);
    expect(s.p90).toBeCloseTo(91, 12);
    expect(s.mean).toBe(55);
    // Sample variance: sum of (x - 55)^2 = 8250, / 9.
    expect(s.std).toBeCloseTo(Math.sqrt(8250 / 9), 12);
    expect(s.episodes).toBe(10);
    // Three returns: h = 2 * 0.9 = 1.8 -> 5 + 0.8 * (9 - 5) = 8.2.
    expect(scoreSummary([1, 9, 5]).p90).toBeCloseTo(8.2, 12);
  });

  it('reward error per window is the L2 norm over the horizon; the summary takes the median', () => {
    const predicted = [1, 2, 3, 0, 0, 0, 0.5, 0.5, 0.5];
    const truth = [1, 0, 3, 3, 4, 0, 0.5, 0.5, 1.5];
    const errors = rewardWindowErrors(predicted, truth, 3);
    expect(errors[0]).toBeCloseTo(2, 12); // sqrt(0 + 4 + 0)
    expect(errors[1]).toBeCloseTo(5, 12); // sqrt(9 + 16 + 0)
    expect(errors[2]).toBeCloseTo(1, 12);
    expect(errorSummary(errors)).toEqual({ median: 2, mean: 8 / 3, windows: 3 });
    expect(() => rewardWindowErrors([1, 2], [1], 1)).toThrow(/same non-zero length/);
    expect(() => rewardWindowErrors([1, 2, 3], [1, 2, 3], 2)).toThrow(/multiple of horizon = 2/);
  });

  it('image error per window is the mean squared error with the truth scaled to [0, 1]', () => {
    const truth = new Uint8Array([0, 255, 51, 102]);
    const predicted = [0.5, 1, 0.2, 0.2];
    // Window 0: (0.5 - 0)^2 + (1 - 1)^2 = 0.25, / 2; window 1: 0 + (0.2 - 0.4)^2 = 0.04, / 2.
    const errors = imageWindowErrors(predicted, truth, 2);
    expect(errors[0]).toBeCloseTo(0.125, 12);
    expect(errors[1]).toBeCloseTo(0.02, 12);
  });

  it('histogram2d bins as numpy (closed on the left, last bin closed on both sides)', () => {
    const h = histogram2d([0, 0.99, 1, 2, 2, 3], [0, 0, 1.5, 2, 1.99, -1], {
      min: 0,
      max: 2,
      bins: 2,
    });
    expect(h.xEdges).toEqual([0, 1, 2]);
    // (0,0) and (0.99,0) in [0][0]; (1,1.5) in [1][1]; (2,2) in [1][1]; (2,1.99) in [1][1].
    expect(h.counts).toEqual([
      [2, 0],
      [0, 3],
    ]);
    expect(h.outside).toBe(1);
  });
});

describe('offline tables', () => {
  const rows = [
    { task: 'cheetah-run', design: 'R', seed: 0, score: 100, rewardError: 0.3 },
    { task: 'cheetah-run', design: 'R', seed: 1, score: 200, rewardError: 0.1 },
    { task: 'cheetah-run', design: 'LTLR', seed: 0, score: 400, rewardError: 0.05 },
    { task: 'cheetah-run', design: 'OTOR', seed: 0, score: 300, rewardError: 0.1 },
    { task: 'cartpole-swingup', design: 'R', seed: 0, score: 50, rewardError: null },
  ];

  it('averages seeds, puts the paper beside ours and computes rho(L_R, S) per task', () => {
    const t = offlineTables(rows);
    expect(t.tasks).toEqual(['cheetah-run', 'cartpole-swingup']);
    expect(t.designs).toEqual(['R', 'OTOR', 'LTLR']);
    expect(t.score.R['cheetah-run']).toEqual({
      ours: 150,
      seeds: 2,
      paper: 216.8,
      difference: 150 - 216.8,
    });
    expect(t.rewardError.R['cheetah-run'].ours).toBeCloseTo(0.2, 12);
    expect(t.rewardError.R['cheetah-run'].paper).toBe(0.2274);
    // By hand: errors e = (0.2, 0.1, 0.05) (R averages 0.3 and 0.1), scores s = (150, 300, 400).
    const e = [0.2, 0.1, 0.05];
    const s = [150, 300, 400];
    const me = (0.2 + 0.1 + 0.05) / 3;
    const ms = 850 / 3;
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < 3; i++) {
      sab += (e[i] - me) * (s[i] - ms);
      saa += (e[i] - me) ** 2;
      sbb += (s[i] - ms) ** 2;
    }
    const rho = sab / Math.sqrt(saa * sbb);
    expect(rho).toBeCloseTo(-0.99717646, 7); // np.corrcoef([0.2, 0.1, 0.05], [150, 300, 400])
    expect(t.pearson['cheetah-run'].ours).toBeCloseTo(rho, 12);
    expect(t.pearson['cheetah-run'].paper).toBe(-0.98);
    expect(t.pearson['cheetah-run'].difference).toBeCloseTo(rho + 0.98, 12);
    // One design without a reward error: no correlation, and the reason says why.
    expect(t.pearson['cartpole-swingup'].ours).toBeNull();
    expect(t.pearson['cartpole-swingup'].why).toMatch(/0 designs .* 3 or more/);
    expect(t.rewardError.R['cartpole-swingup']).toEqual({
      ours: null,
      seeds: 0,
      paper: 0.4152,
      difference: null,
    });
  });

  it('the paper row reproduces the printed correlations from Tables 1 and 2', () => {
    // Our table code on the paper's own numbers must give the paper's Pearson row (within the
    // rounding of the printed values, 0.01).
    const paperRows = PAPER_OFFLINE.tasks.flatMap((task, column) =>
      Object.entries(PAPER_OFFLINE.score).map(([design, scores]) => ({
        task,
        design,
        seed: 0,
        score: scores[column] as number,
        rewardError: PAPER_OFFLINE.rewardError[design as 'R'][column] as number,
      })),
    );
    const t = offlineTables(paperRows);
    for (const [column, task] of PAPER_OFFLINE.tasks.entries()) {
      expect(Math.abs(t.pearson[task].ours! - PAPER_OFFLINE.pearson[column]), task).toBeLessThan(
        0.011,
      );
      expect(t.score.LTLR[task].difference).toBe(0);
    }
  });

  it('renders markdown and CSV with every cell, and refuses duplicate runs', () => {
    const t = offlineTables(rows);
    const md = offlineTablesMarkdown(t);
    expect(md).toContain('| R | 150.0 (2 seeds) / 216.8 / -66.8 |');
    expect(md).toContain('ρ(L_R, S) | -1.00 / -0.98 / -0.02');
    const csv = offlineTablesCsv(t).trim().split('\n');
    expect(csv).toContain('score_p90,LTLR,cheetah-run,400,1,502.2,-102.19999999999999');
    expect(csv.length).toBe(1 + 2 * 3 * 2 + 2);
    expect(() => offlineTables([rows[0], rows[0]])).toThrow(/each task, design and seed once/);
    expect(() => offlineTables([])).toThrow(/at least one evaluated run/);
  });

  it('shows expected designs and tasks without runs as missing, outside the correlation', () => {
    const t = offlineTables(rows, { tasks: ['walker-walk'], designs: ['OTLR'] });
    expect(t.tasks).toEqual(['cheetah-run', 'cartpole-swingup', 'walker-walk']);
    expect(t.designs).toEqual(['R', 'OTOR', 'OTLR', 'LTLR']);
    expect(t.score.OTLR['cheetah-run']).toEqual({
      ours: null,
      seeds: 0,
      paper: 489.9,
      difference: null,
    });
    // OTLR has no run: cheetah-run's correlation is still over R, OTOR and LTLR.
    expect(t.pearson['cheetah-run'].designs).toBe(3);
    expect(t.pearson['cheetah-run'].ours).toBeCloseTo(
      offlineTables(rows).pearson['cheetah-run'].ours as number,
      12,
    );
    const md = offlineTablesMarkdown(t);
    expect(md).toContain('| OTLR | missing / 489.9 / – |');
    expect(
      offlineTables([], { tasks: ['walker-walk'], designs: ['R'] }).score.R['walker-walk'].ours,
    ).toBeNull();
  });

  it('draws one heat-map panel per design with the diagonal and the threshold', async () => {
    const svg = await rewardHeatmapSvg({
      panels: [
        { label: 'LTLR', truth: [0, 1, 2, 3.5], predicted: [0.1, 1.2, 1.8, 2] },
        { label: 'R', truth: [0, 4], predicted: [1, 1] },
      ],
      max: 4,
      bins: 8,
      threshold: 2.5,
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('LTLR');
    expect(svg).toContain('predicted reward');
    // 4 + 2 occupied bins of width 0.5, one rectangle each; (3.5, 2) is in [3.5, 4] x [2, 2.5].
    expect((svg.match(/aria-label="true reward: /g) ?? []).length).toBe(6);
    expect(svg).toContain('true reward: 3.5; predicted reward: 2; x1: 4; y1: 2.5; count: 1');
    expect((svg.match(/aria-roledescription="rule mark"/g) ?? []).length).toBe(2);
  });
});
