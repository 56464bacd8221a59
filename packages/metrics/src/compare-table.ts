/** The markdown table of a `compareRuns` summary, for a README or a results page. */
import type { CompareSummary, GroupSummary } from './compare-runs.js';

/** Env steps with thousands separators: 12345 -> '12,345'. */
export function formatSteps(steps: number): string {
  const [whole, fraction] = String(steps).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function formatReturn(value: number, digits: number): string {
  return value.toFixed(digits);
}

/** Text safe inside a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function stepRange(group: GroupSummary): string {
  const { min, max } = group.envSteps;
  return min === max ? formatSteps(min) : `${formatSteps(min)}–${formatSteps(max)}`;
}

function meanStdCell(stats: { mean: number; std: number; n: number }, digits: number): string {
  const m = formatReturn(stats.mean, digits);
  return stats.n > 1 ? `${m} ± ${formatReturn(stats.std, digits)}` : m;
}

function iqmCell(stats: GroupSummary['finalIqm'], digits: number): string {
  const v = formatReturn(stats.value, digits);
  if (stats.n < 2) return v;
  return `${v} [${formatReturn(stats.lo, digits)}, ${formatReturn(stats.hi, digits)}]`;
}

function plottedSteps(group: GroupSummary): string {
  const { x } = group.curve;
  if (x.length === 0) return 'none';
  return x.length === 1
    ? formatSteps(x[0])
    : `${formatSteps(x[0])}–${formatSteps(x[x.length - 1])}`;
}

/**
 * A markdown table of a comparison: one row per group with the number of seeds, the env steps
 * the seeds reached, the final and best evaluation return as mean ± sample std over seeds, the
 * interquartile mean of the finals with its 95% bootstrap interval (rliable's practice), and
 * each seed's final return with the step of that evaluation and the steps the seed reached;
 * then one row per reference value and notes on what the numbers and the plot cover.
 * `digits` is the number of decimals of returns (default 1).
 */
export function summaryMarkdown(
  summary: CompareSummary,
  options: { digits?: number } = {},
): string {
  const digits = options.digits ?? 1;
  if (!Number.isInteger(digits) || digits < 0 || digits > 10) {
    throw new RangeError(`summaryMarkdown digits is ${String(digits)}; allowed are integers 0..10`);
  }
  const lines = [
    '| method | seeds | env steps | final eval return | final IQM [95% CI] | best eval return | final eval per seed (eval step / steps reached) |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const group of summary.groups) {
    const perSeed = group.runs
      .map(
        (run) =>
          `${run.name}: ${formatReturn(run.finalReturn, digits)} (${formatSteps(run.finalStep)} / ${formatSteps(run.envSteps)})`,
      )
      .join('; ');
    lines.push(
      `| ${[
        cell(group.label),
        String(group.runs.length),
        stepRange(group),
        meanStdCell(group.final, digits),
        iqmCell(group.finalIqm, digits),
        meanStdCell(group.best, digits),
        cell(perSeed),
      ].join(' | ')} |`,
    );
  }
  for (const reference of summary.references) {
    const value = formatReturn(reference.value, digits);
    lines.push(`| ${cell(reference.label)} (reference) | | | ${value} | | | |`);
  }
  const covered = summary.groups.map((g) => `${cell(g.label)} ${plottedSteps(g)}`).join('; ');
  const rangeText =
    summary.range === 'common'
      ? 'the steps every seed of the method reached'
      : 'every step some seed reached (the band narrows to the seeds that got there)';
  lines.push(
    '',
    "Final: each seed's last evaluation; best: its best evaluation; mean ± sample std (n − 1) over seeds.",
    "IQM: the interquartile mean of the seeds' finals (rliable's definition, scipy's trim_mean at 0.25: the mean for fewer than 4 seeds) with a 95% percentile-bootstrap interval over seeds (50,000 resamples).",
    `The plot shows the mean and ± std band over ${rangeText}: ${covered} env steps.`,
  );
  return `${lines.join('\n')}\n`;
}
