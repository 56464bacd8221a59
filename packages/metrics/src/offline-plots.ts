/**
 * Heat maps of predicted against true reward, one panel per design (the paper's Figs 8-9): a
 * 2-D histogram of every (true, predicted) reward of the test split's prediction windows, with
 * the dashed diagonal of perfect prediction and, for the optimism split, a dotted line at the
 * highest reward the training split holds (right of it: rewards never seen in training).
 */
import { type Validator, validator } from '@vmbrl/core';
import { histogram2d } from './offline.js';
import type { PlotFrame } from './plots.js';
import { type VegaLiteSpec, renderVegaLiteSvg } from './render.js';

const check: Validator = validator('reward heat map');

/** The rewards of one design's predictions. */
export interface RewardPairs {
  label: string;
  truth: readonly number[];
  predicted: readonly number[];
}

/** Options of {@link rewardHeatmapSpec}. */
export interface RewardHeatmapOptions extends PlotFrame {
  panels: readonly RewardPairs[];
  /** Axis range of both rewards: [0, max] (the paper's [0, 4] at action repeat 4). */
  max: number;
  /** Bins per axis (default 20). */
  bins?: number;
  /** A dotted vertical line at this true reward (the optimism split's training maximum). */
  threshold?: number;
}

/** Vega-lite spec of the heat maps, one panel per design; counts on a log colour scale. */
export function rewardHeatmapSpec(options: RewardHeatmapOptions): VegaLiteSpec {
  if (!Array.isArray(options.panels) || options.panels.length === 0) {
    check.fail('panels', options.panels, 'at least one design with reward pairs');
  }
  const max = check.number('max', options.max, { min: 0, minOpen: true });
  const bins = options.bins ?? 20;
  const rows: Record<string, number | string>[] = [];
  for (const panel of options.panels) {
    const h = histogram2d(panel.truth, panel.predicted, { min: 0, max, bins });
    h.counts.forEach((column, i) =>
      column.forEach((count, j) => {
        if (count > 0) {
          rows.push({
            design: panel.label,
            kind: 'bin',
            x0: h.xEdges[i] as number,
            x1: h.xEdges[i + 1] as number,
            y0: h.yEdges[j] as number,
            y1: h.yEdges[j + 1] as number,
            count,
          });
        }
      }),
    );
  }
  // Every layer reads the one faceted data set (rows of each panel), picked by `kind`.
  const threshold =
    options.threshold === undefined
      ? undefined
      : check.number('threshold', options.threshold, { min: 0, max });
  for (const panel of options.panels) {
    rows.push({ design: panel.label, kind: 'diagonal', x: 0, y: 0 });
    rows.push({ design: panel.label, kind: 'diagonal', x: max, y: max });
    if (threshold !== undefined)
      rows.push({ design: panel.label, kind: 'threshold', x: threshold });
  }
  const only = (kind: string) => ({ filter: `datum.kind === '${kind}'` });
  const scale = { domain: [0, max], nice: false };
  const layer: unknown[] = [
    {
      transform: [only('bin')],
      mark: 'rect',
      encoding: {
        x: { field: 'x0', type: 'quantitative', scale, title: 'true reward' },
        x2: { field: 'x1' },
        y: { field: 'y0', type: 'quantitative', scale, title: 'predicted reward' },
        y2: { field: 'y1' },
        color: { field: 'count', type: 'quantitative', scale: { type: 'log', scheme: 'viridis' } },
      },
    },
    {
      transform: [only('diagonal')],
      mark: { type: 'line', color: '#2ca02c', strokeDash: [6, 4] },
      encoding: {
        x: { field: 'x', type: 'quantitative', scale },
        y: { field: 'y', type: 'quantitative', scale },
      },
    },
  ];
  if (threshold !== undefined) {
    layer.push({
      transform: [only('threshold')],
      mark: { type: 'rule', color: 'black', strokeDash: [2, 3] },
      encoding: { x: { field: 'x', type: 'quantitative', scale } },
    });
  }
  const width = options.width ?? 200;
  const height = options.height ?? 200;
  const panels = options.panels.map((p) => p.label);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(options.title ? { title: options.title } : {}),
    data: { values: rows },
    facet: { field: 'design', type: 'nominal', title: null, sort: panels },
    columns: Math.min(5, panels.length),
    spec: { width, height, layer },
    background: 'white',
  } as unknown as VegaLiteSpec;
}

/** {@link rewardHeatmapSpec} rendered to SVG. */
export function rewardHeatmapSvg(options: RewardHeatmapOptions): Promise<string> {
  return renderVegaLiteSvg(rewardHeatmapSpec(options));
}
