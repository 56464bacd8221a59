/**
 * How the designs rank against each other, beside the paper's ranking, per task. At a scale far
 * below the paper's (short episodes, few updates) Table 5's differences are hundreds of points
 * and say nothing; the order of the designs is what a small study can agree or disagree with.
 * A random-policy reference (the cells' seed episodes) says whether any design learned at all.
 */
import { type MetricValue, meanStd, pearson } from '@vmbrl/metrics';
import type { CellGroup, ReportTable } from './tables.js';
import { onlineScore } from './tables.js';

/** Ranks 1..n, largest value first; tied values share the mean of their ranks. */
export function ranksDescending(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => b.value - a.value);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1].value === order[i].value) j++;
    for (let k = i; k <= j; k++) ranks[order[k].index] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/** Spearman's rank correlation (Pearson's of the tie-averaged ranks); null below 3 pairs or
 * when one side is all ties. */
export function spearman(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length || a.length < 3) return null;
  const [ra, rb] = [ranksDescending(a), ranksDescending(b)];
  const constant = (r: number[]) => r.every((x) => x === r[0]);
  if (constant(ra) || constant(rb)) return null; // all tied: no order to agree with
  const r = pearson(ra, rb);
  return Number.isFinite(r) ? r : null;
}

/** Names best first, ties joined by ' = ' (e.g. three designs that all scored 0). */
function ordering(names: readonly string[], values: readonly number[]): string {
  const sorted = names
    .map((name, i) => ({ name, value: values[i] }))
    .sort((x, y) => y.value - x.value);
  return sorted
    .map((x, i) => (i === 0 ? x.name : `${x.value === sorted[i - 1].value ? '=' : '>'} ${x.name}`))
    .join(' ');
}

/**
 * Per task: the designs (CEM, no sweep point) with both a mean of ours and the paper's, best
 * first by each, Spearman's rho between the two, and the mean return of the random seed
 * episodes of that task's finished cells (one set per seed: designs share them).
 */
export function rankAgreementTable(groups: readonly CellGroup[]): ReportTable {
  const tasks = [...new Set(groups.map((g) => g.task))];
  const rows: MetricValue[][] = tasks.map((task) => {
    const names: string[] = [];
    const ours: number[] = [];
    const paper: number[] = [];
    const randomBySeed = new Map<number, number[]>();
    groups.forEach((g) => {
      if (g.task !== task) return;
      for (const cell of g.cells) {
        if (cell.result && !randomBySeed.has(cell.planned.seed) && cell.result.randomReturns.length)
          randomBySeed.set(cell.planned.seed, cell.result.randomReturns);
      }
      const { mean, paperMean } = onlineScore(g);
      if (g.behaviour !== 'cem' || g.point || typeof mean !== 'number') return;
      if (typeof paperMean !== 'number') return;
      names.push(g.design);
      ours.push(mean);
      paper.push(paperMean);
    });
    const random = [...randomBySeed.values()].flat();
    const rho = spearman(ours, paper);
    return [
      task,
      names.length,
      names.length ? ordering(names, ours) : null,
      names.length ? ordering(names, paper) : null,
      rho === null ? null : Number(rho.toFixed(2)),
      random.length ? Number(meanStd(random).mean.toFixed(2)) : null,
      random.length,
    ];
  });
  return {
    name: 'table5-ranks',
    title: 'Table 5 as rankings: the designs best first, ours beside the paper',
    caption:
      "Per task, the designs with a score of ours (Table 5 mean) and of the paper; rho = Spearman's rank correlation (1 = the same order, -1 = reversed; missing below 3 designs). Random: mean return of the finished cells' random seed episodes of the task (one set per seed), the level an untrained agent gets at this study's episode length.",
    columns: [
      'task',
      'designs',
      'ours, best first',
      'paper, best first',
      'rho',
      'random',
      'random episodes',
    ],
    rows,
  };
}
