/**
 * time-curve: learning curves against wall-clock or CPU minutes, for runs whose checkpoint was
 * copied after every episode (RUN.snaps/index.txt: "epN SECONDS LOAD..." lines, written by the
 * shell loop that took the copies), with the in-run evaluations, the 10-episode evaluations of
 * checkpoints forked beside the run (RUN.<name>/evaluation-agent.json, e.g. RUN.at30) and of
 * its final one (RUN/evaluation-agent.json), and a random-policy line.
 *
 *   node tools/diagnose/time-curve.mjs RUN... --out BASE [--clock wall|cpu] [--title T]
 *     [--random VALUE] [--random-label L]
 *
 * The metrics log has env steps but no clock, so an episode is placed at the minute its
 * checkpoint copy was taken (at most ~12 s after the episode ended). `--clock cpu` reads the
 * training process's CPU seconds from RUN.cpu.txt ("EPOCH_S CPU_S" samples every 10 s) and the
 * run's start from the "START <ISO date>" line of RUN.trial.log: on a shared machine that is
 * the time one idle core would have taken.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { learningCurveSvg, writePlotFiles } from '@vmbrl/metrics';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    title: { type: 'string', default: 'return against wall-clock' },
    clock: { type: 'string', default: 'wall' },
    random: { type: 'string' },
    'random-label': { type: 'string', default: 'random policy' },
  },
});
if (positionals.length === 0 || !values.out) {
  console.error(
    'usage: node tools/diagnose/time-curve.mjs RUN... --out BASE [--clock wall|cpu] [--title T] [--random VALUE]',
  );
  process.exit(2);
}

if (!['wall', 'cpu'].includes(values.clock)) {
  console.error(`--clock = "${values.clock}" is invalid; allowed: wall, cpu`);
  process.exit(2);
}

/** Lines of a text file split on whitespace, blank lines dropped. */
function fields(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => line.trim().split(/\s+/));
}

/**
 * The run's CPU seconds at wall-clock second `seconds` after its start, interpolated linearly
 * between the samples (and from 0 at the start, for a monitor started late).
 */
function cpuClock(run) {
  const start = /START (\S+)/.exec(readFileSync(`${run}.trial.log`, 'utf8'))?.[1];
  if (!start) throw new Error(`${run}.trial.log has no START line`);
  const t0 = Date.parse(start) / 1000;
  const samples = [
    [0, 0],
    ...fields(`${run}.cpu.txt`).map(([e, cpu]) => [Number(e) - t0, Number(cpu)]),
  ];
  return (seconds) => {
    const after = samples.findIndex(([t]) => t > seconds);
    if (after === -1) return samples.at(-1)[1];
    const [[ta, ca], [tb, cb]] = [samples[after - 1], samples[after]];
    return ca + ((cb - ca) * (seconds - ta)) / (tb - ta);
  };
}

/** Minutes (wall-clock or CPU) of each checkpoint copy by episode count. */
function copyMinutes(run) {
  const clock = values.clock === 'cpu' ? cpuClock(run) : (seconds) => seconds;
  const minutes = new Map();
  for (const [ep, seconds] of fields(`${run}.snaps/index.txt`)) {
    if (ep.startsWith('ep')) minutes.set(Number(ep.slice(2)), clock(Number(seconds)) / 60);
  }
  return minutes;
}

const training = [];
const inRun = [];
const checkpoints = [];
for (const run of positionals) {
  const minutes = copyMinutes(run);
  const rows = readFileSync(`${run}/metrics.jsonl`, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
  const episodes = rows.filter((r) => r.kind === 'episode' && minutes.has(r.episode));
  training.push({
    x: episodes.map((r) => minutes.get(r.episode)),
    y: episodes.map((r) => r.return),
  });
  const evals = rows.filter((r) => r.kind === 'eval' && minutes.has(r.episode));
  inRun.push({ x: evals.map((r) => minutes.get(r.episode)), y: evals.map((r) => r.return) });
  // A checkpoint evaluated "at M minutes" sits at the time its copy was taken (<= M).
  // Forks RUN.<name> holding an evaluation, and the run's own (final) one, once per checkpoint.
  const forks = readdirSync(dirname(run) || '.')
    .filter((name) => name.startsWith(`${basename(run)}.`))
    .map((name) => join(dirname(run), name));
  const paths = [...forks, run].map((dir) => `${dir}/evaluation-agent.json`);
  const byEpisode = new Map();
  for (const path of paths.filter((p) => existsSync(p))) {
    const result = JSON.parse(readFileSync(path, 'utf8'));
    byEpisode.set(result.checkpoint.episodes, result);
  }
  const results = [...byEpisode.values()].sort(
    (a, b) => a.checkpoint.episodes - b.checkpoint.episodes,
  );
  if (results.length > 0) {
    checkpoints.push({
      x: results.map((r) => minutes.get(r.checkpoint.episodes)),
      y: results.map((r) => r.mean),
    });
  }
  const at = results.map((r) => `ep ${r.checkpoint.episodes}: ${r.mean.toFixed(1)}`);
  console.log(
    `${run}: ${episodes.length} episodes, the last ${episodes.at(-1)?.return.toFixed(1)} at ${training.at(-1).x.at(-1)?.toFixed(1)} min; checkpoints ${at.join(', ')}`,
  );
}
const curves = [
  { label: `training episodes (with noise), ${training.length} seeds`, runs: training },
];
const evaluatedRuns = inRun.filter((r) => r.x.length > 0);
if (evaluatedRuns.length > 0) {
  curves.push({ label: 'in-run evaluations (2 noiseless episodes)', runs: evaluatedRuns });
}
if (checkpoints.length > 0) {
  curves.push({
    label: 'checkpoints, 10 noiseless episodes',
    runs: checkpoints,
  });
}
const references = values.random
  ? [{ label: values['random-label'], value: Number(values.random) }]
  : [];
const svg = await learningCurveSvg({
  curves,
  references,
  range: 'all',
  title: values.title,
  xLabel: values.clock === 'cpu' ? 'CPU minutes of the training process' : 'wall-clock minutes',
  yLabel: 'return',
});
console.log(writePlotFiles(values.out, svg));
