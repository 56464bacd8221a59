/**
 * Learning curves and loss curves as vega-lite specs (see render.ts for SVG/PNG output).
 * Data goes into the spec inline, so a spec is self-contained and can be saved next to a plot.
 */
import { type Validator, validator } from '@vmbrl/core';
import { type VegaLiteSpec, renderVegaLiteSvg } from './render.js';
import { type Series, type Smoothing, aggregateCurves, assertSeries, smooth } from './stats.js';

const check: Validator = validator('plot');

/** Several runs (seeds) of one method, drawn as mean line + std band. */
export interface CurveGroup {
  label: string;
  runs: readonly Series[];
}

/** A horizontal reference line, e.g. a random policy's return or a paper's score. */
export interface ReferenceLine {
  label: string;
  value: number;
}

/** Options shared by the plots. */
export interface PlotFrame {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

/** Options for `learningCurveSpec`. */
export interface LearningCurveOptions extends PlotFrame {
  curves: readonly CurveGroup[];
  references?: readonly ReferenceLine[];
  /** Applied to each run before aggregation over seeds. */
  smoothing?: Smoothing;
  /**
   * Which steps each group's curve covers: 'common' (default) only the range every run of the
   * group reached, so each point averages the same seeds; 'all' every step some run reached,
   * with the mean and band over the runs that cover it.
   */
  range?: CurveRange;
}

/** See `LearningCurveOptions.range`. */
export type CurveRange = 'common' | 'all';

/** The sorted union of the runs' x values: the grid that keeps every run's whole range. */
export function unionGrid(runs: readonly Series[]): number[] {
  const union = new Set<number>();
  for (const run of runs) for (const x of run.x) union.add(x);
  return Array.from(union).sort((a, b) => a - b);
}

// Colour-blind-friendly categorical colours for curves; references use greys and a dark red.
const CURVE_COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2'];
const REFERENCE_COLOURS = ['#666666', '#9d2a2a', '#222222', '#a0a0a0'];

// Axis labels with SI prefixes (20k, 1.5M), but a plain 0 rather than d3's '0k'.
const SI_LABELS = "datum.value === 0 ? '0' : format(datum.value, '~s')";

/** The x encoding of every plot: steps on a quantitative axis labelled in SI units. */
function stepAxis(title: string) {
  return { field: 'x', type: 'quantitative', title, axis: { labelExpr: SI_LABELS } } as const;
}

function frame(options: PlotFrame) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 480,
    height: options.height ?? 280,
    background: 'white',
    config: {
      view: { stroke: null },
      // Line symbols at full opacity, whichever layer (faint band or raw line) the legend takes.
      legend: {
        orient: 'bottom',
        title: null,
        symbolType: 'stroke',
        symbolOpacity: 1,
        labelLimit: 400,
        // Two columns: long labels (seeds, references) wrap instead of widening the plot.
        columns: 2,
      },
    },
  } as const;
}

function uniqueLabels(labels: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const label of labels) {
    if (typeof label !== 'string' || label.length === 0) {
      throw new TypeError(
        `${what} label is ${JSON.stringify(label)}; a non-empty string is needed`,
      );
    }
    if (seen.has(label)) throw new RangeError(`${what} label "${label}" is used twice`);
    seen.add(label);
  }
}

/**
 * A learning curve: for each group, the mean over its runs (after optional smoothing) as a line
 * and mean +- sample std as a band; reference values as dashed horizontal rules.
 */
export function learningCurveSpec(options: LearningCurveOptions): VegaLiteSpec {
  if (!options.curves || options.curves.length === 0) {
    throw new RangeError('learning curve: curves is empty; at least one group of runs is needed');
  }
  const curveRange = options.range ?? 'common';
  if (curveRange !== 'common' && curveRange !== 'all') {
    throw new RangeError(
      `learning curve range is ${String(curveRange)}; allowed are 'common' and 'all'`,
    );
  }
  const references = options.references ?? [];
  uniqueLabels(
    [...options.curves.map((c) => c.label), ...references.map((r) => r.label)],
    'learning curve',
  );
  const points: { x: number; mean: number; lo: number; hi: number; n: number; series: string }[] =
    [];
  for (const group of options.curves) {
    if (group.runs.length === 0) {
      throw new RangeError(`learning curve "${group.label}": runs is empty`);
    }
    const runs = group.runs.map((run, i) => {
      assertSeries(run, `learning curve "${group.label}" runs[${i}]`);
      return { x: run.x, y: smooth(run.y, options.smoothing) };
    });
    const agg = aggregateCurves(runs, curveRange === 'all' ? { grid: unionGrid(runs) } : {});
    agg.x.forEach((x, i) => {
      const m = agg.mean[i];
      const s = agg.std[i];
      points.push({ x, mean: m, lo: m - s, hi: m + s, n: agg.n[i], series: group.label });
    });
  }
  references.forEach((r) => check.finiteList(`reference "${r.label}" value`, [r.value]));
  const domain = [...options.curves.map((c) => c.label), ...references.map((r) => r.label)];
  const range = [
    ...options.curves.map((_, i) => CURVE_COLOURS[i % CURVE_COLOURS.length]),
    ...references.map((_, i) => REFERENCE_COLOURS[i % REFERENCE_COLOURS.length]),
  ];
  const color = { field: 'series', type: 'nominal', scale: { domain, range } } as const;
  const x = stepAxis(options.xLabel ?? 'environment steps');
  const yTitle = options.yLabel ?? 'evaluation return';
  const layer: unknown[] = [
    {
      data: { values: points },
      mark: { type: 'area', opacity: 0.2 },
      encoding: {
        x,
        y: { field: 'lo', type: 'quantitative', title: yTitle },
        y2: { field: 'hi' },
        color,
      },
    },
    {
      data: { values: points },
      mark: { type: 'line', strokeWidth: 2, point: points.length < 60 },
      encoding: { x, y: { field: 'mean', type: 'quantitative', title: yTitle }, color },
    },
  ];
  if (references.length > 0) {
    layer.push({
      data: { values: references.map((r) => ({ value: r.value, series: r.label })) },
      mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { y: { field: 'value', type: 'quantitative' }, color },
    });
  }
  return { ...frame(options), layer } as unknown as VegaLiteSpec;
}

/** Options for `lossCurvesSpec`. */
export interface LossCurvesOptions extends PlotFrame {
  /** One series per loss term (x = update step or env step). */
  terms: Readonly<Record<string, Series>>;
  /** Log-scale y axis; every value must then be > 0. */
  logScale?: boolean;
  /** Smoothed line drawn over the raw values (shown faintly). */
  smoothing?: Smoothing;
  /** One panel per term with its own y scale instead of one shared plot. */
  panels?: boolean;
  /** Evenly thin each term to at most this many points (default 1000) to keep the SVG small. */
  maxPoints?: number;
}

function thin<T>(values: readonly T[], maxPoints: number): T[] {
  if (values.length <= maxPoints) return Array.from(values);
  const out: T[] = [];
  const stride = (values.length - 1) / (maxPoints - 1);
  for (let i = 0; i < maxPoints; i++) out.push(values[Math.round(i * stride)]);
  return out;
}

/** Loss curves of several terms: raw values faint, smoothed values solid. */
export function lossCurvesSpec(options: LossCurvesOptions): VegaLiteSpec {
  const names = Object.keys(options.terms ?? {});
  if (names.length === 0) {
    throw new RangeError('loss curves: terms is empty; at least one loss term is needed');
  }
  const maxPoints = options.maxPoints ?? 1000;
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new RangeError(`loss curves: maxPoints is ${maxPoints}; allowed are integers >= 2`);
  }
  const rows: { x: number; raw: number; smooth: number; term: string }[] = [];
  for (const name of names) {
    const series = options.terms[name];
    assertSeries(series, `loss term "${name}"`);
    if (options.logScale) {
      const bad = series.y.findIndex((v) => v <= 0);
      if (bad >= 0) {
        throw new RangeError(
          `loss term "${name}" has y[${bad}] = ${series.y[bad]} at x = ${series.x[bad]}; a log scale needs values > 0`,
        );
      }
    }
    const smoothed = smooth(series.y, options.smoothing);
    const indices = thin(
      series.x.map((_, i) => i),
      maxPoints,
    );
    for (const i of indices) {
      rows.push({ x: series.x[i], raw: series.y[i], smooth: smoothed[i], term: name });
    }
  }
  const yScale = options.logScale ? { type: 'log' } : { zero: false };
  const yTitle = options.yLabel ?? (options.logScale ? 'loss (log scale)' : 'loss');
  const x = stepAxis(options.xLabel ?? 'update step');
  // Panels are titled by term, so they need no legend.
  const color = {
    field: 'term',
    type: 'nominal',
    scale: { domain: names, range: CURVE_COLOURS },
    ...(options.panels ? { legend: null } : {}),
  } as const;
  const layer: unknown[] = [];
  if (options.smoothing) {
    layer.push({
      mark: { type: 'line', strokeWidth: 1, opacity: 0.25 },
      encoding: {
        x,
        y: { field: 'raw', type: 'quantitative', scale: yScale, title: yTitle },
        color,
      },
    });
  }
  layer.push({
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x,
      y: { field: 'smooth', type: 'quantitative', scale: yScale, title: yTitle },
      color,
    },
  });
  const base = frame(options);
  if (!options.panels) {
    return { ...base, data: { values: rows }, layer } as unknown as VegaLiteSpec;
  }
  const { width, height, title, ...rest } = base as typeof base & { title?: string };
  return {
    ...rest,
    ...(title ? { title } : {}),
    data: { values: rows },
    facet: { field: 'term', type: 'nominal', title: null, sort: names },
    columns: Math.min(3, names.length),
    spec: { width: Math.round(width / 1.6), height: Math.round(height / 1.4), layer },
    resolve: { scale: { y: 'independent' } },
  } as unknown as VegaLiteSpec;
}

/** `learningCurveSpec` rendered to SVG. */
export function learningCurveSvg(options: LearningCurveOptions): Promise<string> {
  return renderVegaLiteSvg(learningCurveSpec(options));
}

/** `lossCurvesSpec` rendered to SVG. */
export function lossCurvesSvg(options: LossCurvesOptions): Promise<string> {
  return renderVegaLiteSvg(lossCurvesSpec(options));
}

/** Options for `rewardPredictionSpec`: open-loop rewards of a few replayed sequences. */
export interface RewardPredictionOptions extends PlotFrame {
  /** Predicted steps per sequence. */
  horizon: number;
  /** True rewards, [sequences * horizon], sequence-major. */
  truth: readonly number[] | Float32Array;
  /** Predicted rewards in the same layout. */
  predicted: readonly number[] | Float32Array;
}

/**
 * Predicted against true reward over an open-loop horizon: one panel per sequence, x the steps
 * predicted ahead, the truth in grey and the prediction in colour.
 */
export function rewardPredictionSpec(options: RewardPredictionOptions): VegaLiteSpec {
  const { horizon } = options;
  check.integer('reward prediction horizon', horizon, 1);
  const truth = check.finiteList('reward prediction truth', options.truth, horizon);
  const predicted = check.finiteList('reward prediction predicted', options.predicted, horizon);
  if (truth.length % horizon !== 0 || predicted.length !== truth.length) {
    check.fail(
      'reward prediction lengths',
      [truth.length, predicted.length],
      `two equal multiples of the horizon ${horizon}`,
    );
  }
  const rows: { x: number; reward: number; series: string; sequence: number }[] = [];
  for (let i = 0; i < truth.length; i++) {
    const at = { x: (i % horizon) + 1, sequence: Math.floor(i / horizon) + 1 };
    rows.push({ ...at, reward: truth[i] as number, series: 'true' });
    rows.push({ ...at, reward: predicted[i] as number, series: 'predicted' });
  }
  const { width, height, title, ...rest } = frame(options) as ReturnType<typeof frame> & {
    title?: string;
  };
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: ['true', 'predicted'], range: [REFERENCE_COLOURS[0], CURVE_COLOURS[0]] },
  } as const;
  const encoding = {
    x: { field: 'x', type: 'quantitative', title: options.xLabel ?? 'steps predicted ahead' },
    y: { field: 'reward', type: 'quantitative', title: options.yLabel ?? 'reward' },
    color,
  };
  const sequences = truth.length / horizon;
  return {
    ...rest,
    ...(title ? { title } : {}),
    data: { values: rows },
    facet: { field: 'sequence', type: 'ordinal', title: 'replayed sequence' },
    columns: Math.min(3, sequences),
    spec: {
      width: Math.round(width / 2),
      height: Math.round(height / 1.6),
      mark: { type: 'line', strokeWidth: 2, point: true },
      encoding,
    },
  } as unknown as VegaLiteSpec;
}

/** `rewardPredictionSpec` rendered to SVG. */
export function rewardPredictionSvg(options: RewardPredictionOptions): Promise<string> {
  return renderVegaLiteSvg(rewardPredictionSpec(options));
}
