/**
 * The study's figures, drawn with @vmbrl/metrics: Fig. 2 (online learning curves per task, mean
 * and std band over seeds, the paper's final scores as dashed references) and Fig. 3 (the
 * distribution of per-step rewards in the collected training episodes, per design).
 */
import {
  type ReferenceLine,
  type VegaLiteSpec,
  learningCurveSvg,
  renderVegaLiteSvg,
} from '@vmbrl/metrics';
import type { CellGroup } from './tables.js';
import { onlineScore } from './tables.js';

/** A group's label in plots: design, and behaviour and sweep point when they vary. */
export function groupLabel(group: CellGroup, groups: readonly CellGroup[]): string {
  const behaviours = new Set(groups.map((g) => g.behaviour)).size > 1;
  return [group.design, behaviours ? group.behaviour : '', group.point].filter(Boolean).join(' ');
}

/** Fig. 2 for `task`: null when no group on it has a finished seed. */
export async function learningCurvesFigure(
  task: string,
  groups: readonly CellGroup[],
): Promise<string | null> {
  const onTask = groups.filter((g) => g.task === task);
  const curves = onTask
    .map((g) => ({
      label: groupLabel(g, groups),
      runs: g.cells.flatMap((c) => (c.result ? [c.result.curve] : [])),
    }))
    .filter((c) => c.runs.length > 0);
  if (curves.length === 0) return null;
  const references: ReferenceLine[] = [];
  const seen = new Set<string>();
  // The paper's scores are returns of whole 1000-step episodes: no reference beside shorter ones.
  const wholeEpisodes = onTask.every((g) =>
    g.cells.every((c) => {
      const config = c.planned.cell?.config;
      return config?.protocol !== 'online' || config.run.episodeSteps === null;
    }),
  );
  onTask.forEach((g) => {
    if (!wholeEpisodes) return;
    const paper = onlineScore(g).paperMean;
    if (typeof paper === 'number' && !seen.has(g.baseDesign)) {
      seen.add(g.baseDesign);
      references.push({ label: `paper ${g.baseDesign}`, value: paper });
    }
  });
  return learningCurveSvg({
    title: `Fig. 2: ${task}`,
    curves,
    references,
    range: 'all',
  });
}

/** Fig. 3 for `task`: histograms of per-step rewards, one row per group; null without data. */
export async function rewardDistributionFigure(
  task: string,
  groups: readonly CellGroup[],
): Promise<string | null> {
  const values: { series: string; reward: number }[] = [];
  for (const g of groups.filter((g) => g.task === task)) {
    const label = groupLabel(g, groups);
    for (const cell of g.cells) {
      for (const reward of cell.result?.rewards ?? []) values.push({ series: label, reward });
    }
  }
  if (values.length === 0) return null;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Fig. 3: rewards per step in collected episodes, ${task}`,
    data: { values },
    facet: { row: { field: 'series', type: 'nominal', title: null } },
    spec: {
      width: 420,
      height: 80,
      mark: 'bar',
      encoding: {
        x: {
          field: 'reward',
          type: 'quantitative',
          bin: { maxbins: 30 },
          title: 'reward per agent step',
        },
        y: { aggregate: 'count', type: 'quantitative', title: 'steps' },
      },
    },
  };
  return renderVegaLiteSvg(spec as unknown as VegaLiteSpec);
}
