/**
 * Minimal benchmark harness: warm-up runs, N timed repeats, median/min/max/mean in ms.
 * Workloads are modules exporting `{ description, cases(options) }` where `cases` resolves to
 * `[{ name, run, dispose? }]`; `run` must finish its work synchronously or return a promise
 * (read results back so lazy backends really compute).
 */

/**
 * Times `run` after `warmup` untimed calls.
 * @param {() => unknown | Promise<unknown>} run
 * @param {{ warmup: number, repeats: number }} options
 * @returns {Promise<{ samples: number[], median: number, min: number, max: number, mean: number }>}
 */
export async function measure(run, { warmup, repeats }) {
  for (let i = 0; i < warmup; i++) await run();
  const samples = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return summarise(samples);
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
 */
export function parseArgs(argv) {
  const positional = [];
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [key, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) flags[key] = inline;
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags[key] = argv[++i];
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
