/**
 * Several seeds of several methods on one plot and in one table, read from run directories
 * (each with `metrics.jsonl` and, optionally, `config.json`): `readEvalCurve` reads one run's
 * evaluation returns, `compareRuns` draws every group as mean line + std band and summarises
 * the final and best returns per seed and over seeds, `summaryMarkdown` writes that summary as
 * a markdown table.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type MetricsRow, parseMetricsText } from './metrics-log.js';
import { type CurveRange, type ReferenceLine, learningCurveSvg, unionGrid } from './plots.js';
import { writePlotFiles } from './render.js';
import {
  type AggregatedCurve,
  type Series,
  type Smoothing,
  aggregateCurves,
  bootstrapCi,
  iqm,
  meanStd,
} from './stats.js';

/** Where a run's evaluation returns are: row kind and key (default 'eval' / 'return'). */
export interface EvalRowsOptions {
  evalKind?: string;
  returnKey?: string;
}

/** One run's evaluation curve and what else its log says. */
export interface EvalCurve extends Series {
  x: number[];
  y: number[];
  /** The largest step of any row (training goes on after the last evaluation). */
  envSteps: number;
}

function evalCurveFromRows(
  rows: readonly MetricsRow[],
  rowLines: readonly number[],
  path: string,
  kind: string,
  key: string,
): EvalCurve {
  const byStep = new Map<number, number>();
  let envSteps = 0;
  rows.forEach((row, i) => {
    envSteps = Math.max(envSteps, row.step);
    if (row.kind !== kind) return;
    const value = row[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(
        `${path}:${rowLines[i]}: ${kind} row has ${key} = ${JSON.stringify(value)}; a finite number is required`,
      );
    }
    // A repeated step keeps the value logged last, as metricSeries does.
    byStep.set(row.step, value);
  });
  if (byStep.size === 0) {
    const what =
      rows.length === 0 ? 'is empty' : `has ${rows.length} row(s) but none of kind '${kind}'`;
    throw new RangeError(
      `${path}: ${what}; an evaluation curve needs '${kind}' rows with a numeric '${key}' (has the run reached its first evaluation?)`,
    );
  }
  const x = Array.from(byStep.keys()).sort((a, b) => a - b);
  return { x, y: x.map((s) => byStep.get(s) as number), envSteps };
}

/** A run's metrics rows, each with its line number in the file, read once. */
interface RunLog {
  path: string;
  rows: MetricsRow[];
  rowLines: number[];
}

function readRunLog(runDir: string): RunLog {
  const path = join(runDir, 'metrics.jsonl');
  if (!existsSync(path)) {
    const why = existsSync(runDir) ? 'does not exist' : `does not exist (no directory ${runDir})`;
    throw new Error(`${path}: ${why}; a run directory written by vmbrl-online has one`);
  }
  const text = readFileSync(path, 'utf8');
  const { rows } = parseMetricsText(text, path);
  // Line numbers of the rows: the parser skips blank lines and a partial last line.
  const rowLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() !== '') rowLines.push(i + 1);
  });
  return { path, rows, rowLines };
}

function evalCurveOf(log: RunLog, options: EvalRowsOptions): EvalCurve {
  return evalCurveFromRows(
    log.rows,
    log.rowLines,
    log.path,
    options.evalKind ?? 'eval',
    options.returnKey ?? 'return',
  );
}

function randomReturnsOf(log: RunLog): number[] {
  return log.rows
    .filter((row) => row.kind === 'episode' && row.random === true)
    .map((row) => row.return)
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
}

/**
 * Reads the evaluation curve of a run directory: x = env steps, y = evaluation returns (rows of
 * kind 'eval' with a numeric 'return', sorted by step). A partial last line of a run still
 * writing is ignored. A missing or empty file, a file without evaluation rows, a malformed line
 * or an eval row without a finite return throws an error naming the file (and the line).
 */
export function readEvalCurve(runDir: string, options: EvalRowsOptions = {}): EvalCurve {
  return evalCurveOf(readRunLog(runDir), options);
}

/**
 * Returns of a run's random-policy episodes (rows of kind 'episode' with `random: true`: the
 * seed or warm-up episodes), a random baseline at the run's own action repeat.
 */
export function randomEpisodeReturns(runDir: string): number[] {
  return randomReturnsOf(readRunLog(runDir));
}

/** A group of run directories: the seeds of one method. */
export interface RunGroup {
  label: string;
  runDirs: readonly string[];
}

/** Options for `compareRuns`. */
export interface CompareRunsOptions extends EvalRowsOptions {
  groups: readonly RunGroup[];
  /** Horizontal reference lines, e.g. `{ label: 'random policy', value: 26.6 }`. */
  references?: readonly ReferenceLine[];
  title?: string;
  /** The plot goes to `<outBase>.svg` and `<outBase>.png`. */
  outBase: string;
  /** Plot only the steps every seed of a group reached ('common', default) or all of them. */
  range?: CurveRange;
  /** Applied to each run's curve in the plot (not to the summary numbers). */
  smoothing?: Smoothing;
  /** Write the PNG too (default true). */
  png?: boolean;
  /**
   * Add a reference line per group at the mean return of its runs' random-policy episodes
   * (see `randomEpisodeReturns`), labelled '<group>: random policy'. Default false.
   */
  randomReference?: boolean;
}

/** One run (seed) of a group. */
export interface RunSummary {
  runDir: string;
  /** `seed N` from config.json, or the directory's name. */
  name: string;
  seed?: number;
  /** Number of evaluations. */
  evaluations: number;
  /** The last evaluation's return and step. */
  finalReturn: number;
  finalStep: number;
  /** The best evaluation's return and step (the earliest if tied). */
  bestReturn: number;
  bestStep: number;
  /** The largest step of any row in the run's log. */
  envSteps: number;
}

/** One group: its seeds and statistics over them (sample std, n - 1; 0 for one seed). */
export interface GroupSummary {
  label: string;
  runs: RunSummary[];
  final: { mean: number; std: number; n: number };
  /**
   * Interquartile mean of the finals with a 95% percentile-bootstrap interval over seeds
   * (rliable's practice; see `iqm` and `bootstrapCi`).
   */
  finalIqm: { value: number; lo: number; hi: number; n: number };
  best: { mean: number; std: number; n: number };
  envSteps: { min: number; max: number };
  /** The plotted curve: mean and std over seeds at each step, and how many seeds cover it. */
  curve: AggregatedCurve;
}

/** What `compareRuns` returns. */
export interface CompareSummary {
  title?: string;
  range: CurveRange;
  groups: GroupSummary[];
  references: ReferenceLine[];
  svgPath: string;
  pngPath?: string;
}

function readSeed(runDir: string): number | undefined {
  const path = join(runDir, 'config.json');
  if (!existsSync(path)) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SyntaxError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const seed = (config as { seed?: unknown } | null)?.seed;
  return typeof seed === 'number' && Number.isFinite(seed) ? seed : undefined;
}

function summariseRun(runDir: string, curve: EvalCurve): Omit<RunSummary, 'name'> {
  let best = 0;
  curve.y.forEach((v, i) => {
    if (v > curve.y[best]) best = i;
  });
  const last = curve.x.length - 1;
  return {
    runDir,
    seed: readSeed(runDir),
    evaluations: curve.x.length,
    finalReturn: curve.y[last],
    finalStep: curve.x[last],
    bestReturn: curve.y[best],
    bestStep: curve.x[best],
    envSteps: Math.max(curve.envSteps, curve.x[last]),
  };
}

/** Run names: `seed N` when every run of the group has a distinct seed, else folder names. */
function nameRuns(runs: Omit<RunSummary, 'name'>[]): RunSummary[] {
  const seeds = runs.map((r) => r.seed);
  const distinct = seeds.every((s) => s !== undefined) && new Set(seeds).size === seeds.length;
  return runs.map((r) => ({
    ...r,
    name: distinct ? `seed ${r.seed}` : basename(resolve(r.runDir)),
  }));
}

function checkGroups(groups: readonly RunGroup[]): void {
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new RangeError('compareRuns: groups is empty; at least one group of run directories');
  }
  for (const group of groups) {
    if (!Array.isArray(group.runDirs) || group.runDirs.length === 0) {
      throw new RangeError(`compareRuns: group "${group.label}" has no run directories`);
    }
    const seen = new Set<string>();
    for (const dir of group.runDirs) {
      const key = resolve(dir);
      if (seen.has(key)) {
        throw new RangeError(`compareRuns: group "${group.label}" lists ${dir} twice`);
      }
      seen.add(key);
      if (existsSync(dir) && !statSync(dir).isDirectory()) {
        throw new RangeError(`compareRuns: ${dir} (group "${group.label}") is not a directory`);
      }
    }
  }
}

/**
 * Reads every run of every group, writes the learning curve (mean line and mean ± sample-std
 * band over each group's seeds, references as dashed lines) to `<outBase>.svg` and `.png`, and
 * returns the summary per group. By default each curve covers the steps every seed of its group
 * reached; runs of different lengths still plot, and the summary keeps each seed's own final
 * evaluation and steps.
 */
export async function compareRuns(options: CompareRunsOptions): Promise<CompareSummary> {
  checkGroups(options.groups);
  const range = options.range ?? 'common';
  const groups: GroupSummary[] = [];
  // Returns of each group's random-policy episodes, from the same single read of each log.
  const randomReturns: number[][] = [];
  const plotted: { label: string; runs: EvalCurve[] }[] = [];
  for (const group of options.groups) {
    const logs = group.runDirs.map(readRunLog);
    randomReturns.push(logs.flatMap(randomReturnsOf));
    const curves = logs.map((log) => evalCurveOf(log, options));
    const lo = Math.max(...curves.map((c) => c.x[0]));
    const hi = Math.min(...curves.map((c) => c.x[c.x.length - 1]));
    if (range === 'common' && lo > hi) {
      throw new RangeError(
        `compareRuns: the seeds of "${group.label}" share no evaluation steps (one starts at ${lo}, another ends at ${hi}); use range 'all'`,
      );
    }
    const runs = nameRuns(group.runDirs.map((dir, i) => summariseRun(dir, curves[i])));
    const finals = runs.map((r) => r.finalReturn);
    const steps = runs.map((r) => r.envSteps);
    groups.push({
      label: group.label,
      runs,
      final: meanStd(finals),
      finalIqm: { value: iqm(finals), ...bootstrapCi(finals, iqm), n: finals.length },
      best: meanStd(runs.map((r) => r.bestReturn)),
      envSteps: { min: Math.min(...steps), max: Math.max(...steps) },
      curve: aggregateCurves(curves, range === 'all' ? { grid: unionGrid(curves) } : {}),
    });
    plotted.push({ label: group.label, runs: curves });
  }
  const references = (options.references ?? []).map((r) => ({ label: r.label, value: r.value }));
  if (options.randomReference) {
    for (const [i, group] of options.groups.entries()) {
      const returns = randomReturns[i] as number[];
      if (returns.length === 0) continue;
      const label = `${group.label}: random policy (${returns.length} episodes)`;
      references.push({ label, value: meanStd(returns).mean });
    }
  }
  const svg = await learningCurveSvg({
    title: options.title,
    xLabel: 'environment steps',
    yLabel: 'evaluation return',
    curves: plotted,
    references,
    smoothing: options.smoothing,
    range,
  });
  const { svgPath, pngPath } = writePlotFiles(options.outBase, svg, { png: options.png });
  return { title: options.title, range, groups, references, svgPath, pngPath };
}
