/**
 * The offline report: Tables 1-2 with the Pearson row from the runs' `evaluation.json` files,
 * beside the paper's numbers (markdown and CSV), and per task the heat maps of predicted
 * against true reward on the test split, one panel per design (Figs 8-9; PNG and SVG). On an
 * optimism split the dotted line marks the highest per-step reward of the training split.
 * Predictions outside [0, action repeat] are drawn at the nearer edge, so none is hidden.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, writeFileAtomic } from '@vmbrl/core';
import {
  type OfflineTables,
  type RewardPairs,
  offlineTables,
  offlineTablesCsv,
  offlineTablesMarkdown,
  rewardHeatmapSvg,
  writePlotFiles,
} from '@vmbrl/metrics';
import {
  type OfflineEvaluation,
  offlineRowOf,
  readOfflineEvaluation,
  readRewardPairs,
} from './evaluate.js';
import { readSplit } from './train.js';

/** Options of {@link offlineReport}. */
export interface OfflineReportOptions {
  /** Run directories, each with an `evaluation.json`. */
  runs: readonly string[];
  /** Directory for table.md, table.csv and heatmap-<task>.{svg,png}. */
  out: string;
  /** Heat maps as PNG too (default true). */
  png?: boolean;
}

/** What {@link offlineReport} wrote. */
export interface OfflineReport {
  tables: OfflineTables;
  markdown: string;
  files: string[];
}

/** The highest per-step reward of a dataset's train split (the optimism split's boundary). */
function trainMaxReward(dataset: string): number {
  const { episodes } = readSplit(dataset, 'train');
  let max = 0;
  for (const e of episodes) for (const r of e.reward) max = Math.max(max, r);
  return max;
}

/** Writes the tables and heat maps of `options.runs` into `options.out`. */
export async function offlineReport(options: OfflineReportOptions): Promise<OfflineReport> {
  if (options.runs.length === 0) {
    throw new UsageError('report: no run directories given; pass the runs to tabulate');
  }
  const evaluations = options.runs.map((run) => ({ run, evaluation: readOfflineEvaluation(run) }));
  const tables = offlineTables(evaluations.map(({ evaluation }) => offlineRowOf(evaluation)));
  const markdown = offlineTablesMarkdown(tables);
  mkdirSync(options.out, { recursive: true });
  const files = [join(options.out, 'table.md'), join(options.out, 'table.csv')];
  writeFileAtomic(files[0], markdown);
  writeFileAtomic(files[1], offlineTablesCsv(tables));
  for (const task of tables.tasks) {
    const ofTask = evaluations.filter(({ evaluation }) => evaluation.task === task);
    const first = ofTask[0].evaluation;
    // Rewards per agent step are sums over the action repeat: [0, repeat] (paper: [0, 4]).
    const max = first.dataset.actionRepeat;
    const panels = heatmapPanels(ofTask, tables.designs, max);
    if (panels.length === 0) continue;
    const optimism = first.dataset.split.method === 'optimism';
    const svg = await rewardHeatmapSvg({
      panels,
      max,
      title: `${task}: predicted vs true reward on the test split${optimism ? ' (optimism split)' : ''}`,
      threshold: optimism ? Math.min(max, trainMaxReward(first.dataset.path)) : undefined,
    });
    const written = writePlotFiles(join(options.out, `heatmap-${task}`), svg, {
      png: options.png ?? true,
    });
    files.push(written.svgPath, ...(written.pngPath ? [written.pngPath] : []));
  }
  return { tables, markdown, files };
}

/** One panel per design in `order`: every seed's (true, predicted) rewards pooled. */
function heatmapPanels(
  runs: { run: string; evaluation: OfflineEvaluation }[],
  order: readonly string[],
  max: number,
): RewardPairs[] {
  const byDesign = new Map<string, RewardPairs>();
  for (const { run, evaluation } of runs) {
    const pairs = readRewardPairs(run);
    if (!pairs) continue;
    const panel = byDesign.get(evaluation.design) ?? {
      label: evaluation.design,
      truth: [] as number[],
      predicted: [] as number[],
    };
    (panel.truth as number[]).push(...pairs.truth);
    (panel.predicted as number[]).push(
      ...pairs.predicted.map((v) => Math.min(max, Math.max(0, v))),
    );
    byDesign.set(evaluation.design, panel);
  }
  return order.flatMap((design) => byDesign.get(design) ?? []);
}
