/**
 * The default report of a run directory: reads `config.json` and `metrics.jsonl`, draws the
 * eval-return and loss curves into `plots/` (SVG and PNG) and writes `report.html` with
 * interactive charts (training and evaluation returns together, one panel per loss that has
 * data), the videos the caller names, and a table of the last metrics.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChartSpec } from './chart-script.js';
import { metricKeys, metricSeries, readMetrics } from './metrics-log.js';
import { type ReferenceLine, learningCurveSvg, lossCurvesSvg } from './plots.js';
import { writePlotFiles } from './render.js';
import {
  type ReportDescription,
  type ReportSection,
  lastMetricsSection,
  writeReport,
} from './report.js';
import type { Series, Smoothing } from './stats.js';

/** Options for `writeRunReport`. */
export interface RunReportOptions {
  /** Page title (default: "<agent> on <task>, seed <seed>" from config.json, or the folder). */
  title?: string;
  /** Row kind and key of evaluation returns (default 'eval' / 'return'). */
  evalKind?: string;
  returnKey?: string;
  /** Row kind of training losses (default 'train') and which keys to plot (default: every
   * numeric key whose name contains 'loss' or is 'kl'). */
  lossKind?: string;
  lossKeys?: string[];
  lossSmoothing?: Smoothing;
  lossLogScale?: boolean;
  /** Horizontal reference lines on the return plot (random policy, paper score). */
  references?: ReferenceLine[];
  /** GIFs or PNGs to show, e.g. an evaluation episode and an open-loop prediction. */
  videos?: { title: string; path: string; caption?: string; displayWidth?: number }[];
  /** More sections after the videos. */
  extraSections?: ReportSection[];
  /** What `step` counts, for the x axes (default 'environment steps'). */
  stepLabel?: string;
  /** Write PNG versions of the plots too (default true). */
  png?: boolean;
  /** Row kind of training episodes, whose returns join the evaluation's (default 'episode'). */
  episodeKind?: string;
  /** The page reloads every this many seconds (a run still training); off when absent. */
  refreshSeconds?: number;
}

function pick(config: Record<string, unknown>, key: string): string | number | undefined {
  const value = config[key];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

/**
 * Writes `plots/eval-return.*`, `plots/losses.*` and `report.html` in `runDir`. Returns the
 * report path and the description used.
 */
export async function writeRunReport(
  runDir: string,
  options: RunReportOptions = {},
): Promise<{ reportPath: string; description: ReportDescription }> {
  const metricsPath = join(runDir, 'metrics.jsonl');
  const { rows } = readMetrics(metricsPath);
  const configPath = join(runDir, 'config.json');
  const config = existsSync(configPath)
    ? (JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>)
    : undefined;
  const summary: Record<string, string | number> = {};
  for (const key of ['agent', 'task', 'seed', 'preset', 'backend']) {
    const value = config ? pick(config, key) : undefined;
    if (value !== undefined) summary[key] = value;
  }
  const evalSeries = metricSeries(rows, options.evalKind ?? 'eval', returnKey(options));
  const lossKind = options.lossKind ?? 'train';
  const lossKeys =
    options.lossKeys ?? metricKeys(rows, lossKind).filter((k) => k.includes('loss') || k === 'kl');
  const lastEval = evalSeries.y.at(-1);
  if (lastEval !== undefined) summary['last eval return'] = lastEval;
  const lastStep = rows.reduce((m, r) => Math.max(m, r.step), 0);
  summary['last step'] = lastStep;

  const sections: ReportSection[] = [];
  const png = options.png ?? true;
  const xLabel = options.stepLabel ?? 'environment steps';
  const trainSeries = metricSeries(rows, options.episodeKind ?? 'episode', returnKey(options));
  if (evalSeries.x.length > 0 || trainSeries.x.length > 0) {
    if (evalSeries.x.length > 0) {
      const svg = await learningCurveSvg({
        // No plot title: the report's section heading names it.
        xLabel,
        curves: [{ label: String(summary.agent ?? 'agent'), runs: [evalSeries] }],
        references: options.references,
      });
      writePlotFiles(join(runDir, 'plots', 'eval-return'), svg, { png });
    }
    sections.push({
      kind: 'chart',
      title: 'Returns',
      chart: returnsChart(evalSeries, trainSeries, xLabel, options),
    });
  } else {
    sections.push({ kind: 'text', title: 'Returns', text: 'No episodes yet.' });
  }
  const terms: Record<string, Series> = {};
  for (const key of lossKeys) {
    const series = metricSeries(rows, lossKind, key);
    if (series.x.length > 0) terms[key] = series;
  }
  if (Object.keys(terms).length > 0) {
    const svg = await lossCurvesSvg({
      xLabel,
      terms,
      panels: Object.keys(terms).length > 1,
      smoothing: options.lossSmoothing,
      logScale: options.lossLogScale,
    });
    writePlotFiles(join(runDir, 'plots', 'losses'), svg, { png });
    for (const [key, series] of Object.entries(terms)) {
      sections.push({
        kind: 'chart',
        title: `Training loss: ${key}`,
        chart: {
          id: `loss-${key}`,
          title: key,
          xLabel,
          yLabel: key,
          series: [{ label: key, x: series.x, y: series.y }],
          smooth: true,
        },
      });
    }
  }
  for (const video of options.videos ?? []) {
    sections.push({
      kind: 'image',
      title: video.title,
      source: { path: video.path },
      caption: video.caption,
      displayWidth: video.displayWidth,
    });
  }
  sections.push(...(options.extraSections ?? []));
  sections.push(lastMetricsSection(rows));
  const title =
    options.title ??
    (summary.agent && summary.task
      ? `${summary.agent} on ${summary.task}${summary.seed !== undefined ? `, seed ${summary.seed}` : ''}`
      : `Run ${runDir}`);
  const description: ReportDescription = {
    title,
    summary,
    config,
    sections,
    refreshSeconds: options.refreshSeconds,
  };
  const reportPath = join(runDir, 'report.html');
  writeReport(reportPath, description);
  return { reportPath, description };
}

function returnKey(options: RunReportOptions): string {
  return options.returnKey ?? 'return';
}

/** Training-episode returns (smoothed) and evaluation returns (points) on one chart. */
function returnsChart(
  evaluation: Series,
  training: Series,
  xLabel: string,
  options: RunReportOptions,
): ChartSpec {
  const series: ChartSpec['series'] = [];
  if (training.x.length > 0) series.push({ label: 'training episodes', ...training });
  if (evaluation.x.length > 0) {
    series.push({ label: 'evaluation (mean)', ...evaluation, points: true });
  }
  return {
    id: 'returns',
    title: 'Returns',
    xLabel,
    yLabel: 'episode return',
    series,
    references: options.references,
    smooth: true,
  };
}
