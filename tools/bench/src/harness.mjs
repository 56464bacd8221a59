/**
 * Minimal benchmark harness: warm-up runs, N timed repeats, median/min/max/mean in ms, and the
 * other processes' CPU load (cores) over the timed repeats (see load.mjs).
 * Workloads are modules exporting `description` and `cases(tensor, options)`, which resolves to
 * `[{ name, run, setup?, dispose?, info?, derive?(stats) }]` (`setup` runs untimed before the
 * warm-up, e.g. to build a large model only when its case comes); `run` must finish its work synchronously
 * or return a promise (read results back so lazy backends really compute); `derive` adds
 * figures such as GFLOP/s or steps/s from the timings. Optional exports: `defaults`
 * (`{ warmup, repeats, backends }`), `usesTensor = false` (no tfjs backend is initialised) and
 * `reference` (the PyTorch anchor's workload name, for --reference).
 */
import { startLoadWindow } from './load.mjs';

/**
 * Times `run` after `warmup` untimed calls.
 * @param {() => unknown | Promise<unknown>} run
 * @param {{ warmup: number, repeats: number }} options
 * @returns {Promise<{ samples: number[], median: number, min: number, max: number, mean: number, load: object }>}
 */
export async function measure(run, { warmup, repeats }) {
  for (let i = 0; i < warmup; i++) await run();
  const samples = [];
  const stop = startLoadWindow();
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return { ...summarise(samples), load: stop() };
}

/** @param {number[]} samples */
export function summarise(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { samples, median, min: sorted[0], max: sorted[sorted.length - 1], mean };
}

/**
 * Parses `--key value`, `--key=value` and `--flag`; the rest are positional.
 * @param {string[]} argv
 * @param {string[]} [booleans] flags that never take a value (`--reference w3`: w3 is positional)
 */
export function parseArgs(argv, booleans = []) {
  const positional = [];
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (eq >= 0) flags[key] = arg.slice(eq + 1);
    else if (!booleans.includes(key) && i + 1 < argv.length && !argv[i + 1].startsWith('--'))
      flags[key] = argv[++i];
    else flags[key] = true;
  }
  return { positional, flags };
}

/** Reads a positive integer flag. */
export function intFlag(flags, name, fallback) {
  if (flags[name] === undefined) return fallback;
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`--${name} must be a non-negative integer, got '${flags[name]}'`);
  }
  return value;
}
