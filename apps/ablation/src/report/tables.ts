/**
 * The study's tables from collected cells, each row beside the paper's number for the same
 * design and task (papers/tradeoffs-tables.json, transcribed from the paper) and the difference:
 * Table 5 (final online score, mean and sample std over seeds), Table 6 (parameters and step
 * times), Table 7 (score / inference time) and Table 3 (capacity: correlations across a sweep's
 * points). A value that cannot be computed is null and shows as "missing".
 */
import { type MetricValue, meanStd, median, pearson } from '@vmbrl/metrics';
import { paperRow } from '../designs.js';
import type { CollectedCell } from './collect.js';
import PAPER from './paper-tables.json' with { type: 'json' };

/** One table of the report (also written as markdown and CSV). */
export interface ReportTable {
  /** File stem, e.g. `table5-online`. */
  name: string;
  title: string;
  caption: string;
  columns: string[];
  rows: MetricValue[][];
}

/** The seeds of one design x behaviour x task x sweep point. */
export interface CellGroup {
  design: string;
  baseDesign: string;
  behaviour: string;
  task: string;
  point: string;
  cells: CollectedCell[];
}

/** Groups cells by everything but the seed, in plan order. */
export function groupCells(cells: readonly CollectedCell[]): CellGroup[] {
  const groups = new Map<string, CellGroup>();
  for (const cell of cells) {
    const p = cell.planned;
    const key = JSON.stringify([p.design, p.behaviour, p.task, p.point]);
    let group = groups.get(key);
    if (!group) {
      group = {
        design: p.design,
        baseDesign: p.baseDesign,
        behaviour: p.behaviour,
        task: p.task,
        point: p.point,
        cells: [],
      };
      groups.set(key, group);
    }
    group.cells.push(cell);
  }
  return [...groups.values()];
}

const done = (group: CellGroup) => group.cells.flatMap((c) => (c.result ? [c.result] : []));
const round = (value: number | null, digits = 4) =>
  value === null || !Number.isFinite(value) ? null : Number(value.toFixed(digits));
const difference = (ours: number | null, paper: number | null | undefined) =>
  ours === null || paper === null || paper === undefined ? null : round(ours - paper, 2);

/** The paper's number of `design` on `task` in a per-task row (null when it has none). */
function paperTaskValue<T>(table: Record<string, unknown>, design: string, task: string): T | null {
  const row = paperRow(design);
  const index = PAPER.tasks.indexOf(task);
  const values = row ? (table[row] as T[] | undefined) : undefined;
  return index >= 0 && Array.isArray(values) ? (values[index] ?? null) : null;
}

/** The paper compares designs under CEM with its own settings: only those rows get its numbers. */
const comparable = (group: CellGroup) => group.behaviour === 'cem';

const ID_COLUMNS = ['design', 'behaviour', 'point', 'task'];
const idCells = (g: CellGroup): MetricValue[] => [g.design, g.behaviour, g.point || '-', g.task];

/** A group's score after training over the seeds done, and the paper's where it compares. */
export interface OnlineScore {
  seedsDone: number;
  mean: number | null;
  /** Sample std over seeds. */
  std: number | null;
  paperMean: number | null;
  paperStd: number | null;
}

/** The score after training of one group (the numbers of its Table 5 row). */
export function onlineScore(group: CellGroup): OnlineScore {
  const scores = done(group).map((r) => r.finalScore);
  const stats = scores.length ? meanStd(scores) : null;
  const paper = comparable(group)
    ? paperTaskValue<number | [number, number]>(
        PAPER.table5_online_mean_std,
        group.baseDesign,
        group.task,
      )
    : null;
  const [paperMean, paperStd] = Array.isArray(paper) ? paper : [paper, null];
  return {
    seedsDone: scores.length,
    mean: stats?.mean ?? null,
    std: stats?.std ?? null,
    paperMean,
    paperStd,
  };
}

/** Table 5: score after training, mean and sample std over the seeds done. */
export function onlineScoreTable(groups: readonly CellGroup[]): ReportTable {
  const rows = groups.map((g) => {
    const score = onlineScore(g);
    return [
      ...idCells(g),
      `${score.seedsDone}/${g.cells.length}`,
      round(score.mean, 2),
      round(score.std, 2),
      score.paperMean,
      score.paperStd,
      difference(score.mean, score.paperMean),
    ];
  });
  return {
    name: 'table5-online',
    title: 'Table 5: online score after training (mean and sample std over seeds)',
    caption:
      "Score = return of the last evaluation. Paper: 1000 episodes, 3 seeds, CEM, action repeat 4; difference = ours - paper's mean, meaningful only for whole 1000-step episodes after the paper's budget. The paper's Oracle row has no std.",
    columns: [...ID_COLUMNS, 'seeds done', 'mean', 'std', 'paper mean', 'paper std', 'difference'],
    rows,
  };
}

/** Median over a group's finished seeds of one of its cost figures (null when none has it). */
function medianCost(
  group: CellGroup,
  key: 'params' | 'trainStepSeconds' | 'inferenceSeconds',
): number | null {
  const values = done(group)
    .map((r) => r[key])
    .filter((v): v is number => v !== null);
  return values.length ? median(values) : null;
}

/** Table 6: parameters and wall-clock of a training step and an inference step. */
export function costTable(groups: readonly CellGroup[]): ReportTable {
  const rows = groups.map((g) => {
    const row = paperRow(g.baseDesign);
    const paper =
      comparable(g) && row
        ? (
            PAPER.table6_cost as unknown as Record<
              string,
              { params: number; train_s: number; inference_s: number }
            >
          )[row]
        : undefined;
    return [
      ...idCells(g),
      medianCost(g, 'params'),
      round(medianCost(g, 'trainStepSeconds'), 5),
      round(medianCost(g, 'inferenceSeconds'), 5),
      paper?.params ?? null,
      paper?.train_s ?? null,
      paper?.inference_s ?? null,
    ];
  });
  return {
    name: 'table6-cost',
    title: 'Table 6: parameters and step times',
    caption:
      "Ours: median over seeds of each run's median seconds per update and per action (CEM planning), measured on this machine's CPU. Paper: seconds on V100 GPUs (1 for R and LTLR, 8 for OTOR, OTLR, LTOR), a different unit of work: compare ratios between designs, not values.",
    columns: [
      ...ID_COLUMNS,
      'params',
      'train step s',
      'inference s',
      'paper params',
      'paper train s',
      'paper inference s',
    ],
    rows,
  };
}

/** Table 7: score divided by inference time. */
export function costNormalisedTable(groups: readonly CellGroup[]): ReportTable {
  const rows = groups.map((g) => {
    const mean = round(onlineScore(g).mean, 2);
    const inference = round(medianCost(g, 'inferenceSeconds'), 5);
    const ours = mean !== null && inference ? round(mean / inference, 2) : null;
    const paper = comparable(g)
      ? paperTaskValue<number>(PAPER.table7_cost_normalised, g.baseDesign, g.task)
      : null;
    return [...idCells(g), ours, paper, difference(ours, paper)];
  });
  return {
    name: 'table7-cost-normalised',
    title: 'Table 7: cost-normalised score (score / inference seconds)',
    caption:
      'Ours: Table 5 mean / Table 6 inference seconds of this machine; the paper divides by its GPU seconds, so only the ranking of designs compares.',
    columns: [...ID_COLUMNS, 'score / inference s', 'paper', 'difference'],
    rows,
  };
}

/**
 * Table 3: across the sweep points of one design x behaviour x task (e.g. model sizes), the
 * Pearson correlation of image error L_O and reward error L_R with score S (per point: mean over
 * seeds), and mean and std of S. Null where fewer than 3 points have results.
 */
export function capacityTable(groups: readonly CellGroup[]): ReportTable | null {
  const families = new Map<string, CellGroup[]>();
  for (const g of groups) {
    if (!g.point) continue;
    const key = JSON.stringify([g.design, g.behaviour, g.task]);
    families.set(key, [...(families.get(key) ?? []), g]);
  }
  if (families.size === 0) return null;
  const rows = [...families.values()].map((family) => {
    const points = family
      .map((g) => done(g))
      .filter((results) => results.length > 0)
      .map((results) => ({
        s: meanStd(results.map((r) => r.finalScore)).mean,
        lo: meanOrNull(results.map((r) => r.imageError)),
        lr: meanOrNull(results.map((r) => r.rewardError)),
      }));
    const corr = (key: 'lo' | 'lr') => {
      const usable = points.filter((p) => p[key] !== null);
      if (usable.length < 3) return null;
      try {
        return round(
          pearson(
            usable.map((p) => p[key] as number),
            usable.map((p) => p.s),
          ),
          3,
        );
      } catch {
        return null; // a constant series has no correlation
      }
    };
    const s = points.length ? meanStd(points.map((p) => p.s)) : null;
    const g = family[0];
    const paper = comparable(g) ? paperCapacity(g.baseDesign, g.task) : null;
    return [
      g.design,
      g.behaviour,
      g.task,
      `${points.length}/${family.length}`,
      corr('lo'),
      corr('lr'),
      round(s?.mean ?? null, 1),
      round(s?.std ?? null, 1),
      paper?.[0] ?? null,
      paper?.[1] ?? null,
      paper?.[2] ?? null,
      paper?.[3] ?? null,
    ];
  });
  return {
    name: 'table3-capacity',
    title: 'Table 3: capacity (correlations across the sweep points)',
    caption:
      'Per sweep point: S = mean final score over seeds, L_O = last open-loop image error, L_R = last reward loss. The paper scales LTLR (Table 15) and OTOR (Table 14).',
    columns: [
      'design',
      'behaviour',
      'task',
      'points done',
      'rho(L_O, S)',
      'rho(L_R, S)',
      'mean S',
      'std S',
      'paper rho(L_O, S)',
      'paper rho(L_R, S)',
      'paper mean S',
      'paper std S',
    ],
    rows,
  };
}

function meanOrNull(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? meanStd(known).mean : null;
}

function paperCapacity(design: string, task: string): [number, number, number, number] | null {
  const table = PAPER.table3_capacity_correlations as unknown as Record<
    string,
    Record<string, number[]>
  > & { order: string[] };
  const row = paperRow(design);
  const index = table.order.indexOf(task);
  if (!row || index < 0 || !table[row]) return null;
  const t = table[row];
  return [t.rho_LO_S[index], t.rho_LR_S[index], t.mean_S[index], t.std_S[index]];
}

/** A table as GitHub markdown (missing values as "missing"). */
export function tableMarkdown(table: ReportTable): string {
  const show = (v: MetricValue) => (v === null ? 'missing' : String(v));
  return [
    `### ${table.title}`,
    '',
    `| ${table.columns.join(' | ')} |`,
    `|${table.columns.map(() => '---').join('|')}|`,
    ...table.rows.map((row) => `| ${row.map(show).join(' | ')} |`),
    '',
    table.caption,
    '',
  ].join('\n');
}

/** A table as CSV (RFC 4180 quoting; missing values empty). */
export function tableCsv(table: ReportTable): string {
  const cell = (v: MetricValue) => {
    const text = v === null ? '' : String(v);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${[table.columns, ...table.rows].map((row) => row.map(cell).join(',')).join('\n')}\n`;
}
