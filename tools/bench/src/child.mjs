/**
 * Runs our side of a benchmark: one workload on one backend (and wasm thread count) in a fresh
 * node process (run-workload.mjs), because the tfjs backend is chosen once per process.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Flags of bench.mjs itself; every other flag is passed on to the workload. */
export const HARNESS_FLAGS = [
  'backends',
  'json',
  'threads',
  'reference',
  'rounds',
  'python',
  'reference-script',
  'list',
  'help',
];

/**
 * Runs `workload` in a child process and returns its parsed `BENCH_RESULT`.
 * @param {string} workload registered workload name
 * @param {{ backend: string, threads?: string, flags: Record<string, unknown> }} options
 *   `threads` sets VMBRL_WASM_THREADS; `flags` are bench.mjs' flags (harness ones are dropped).
 */
export function runOurs(workload, { backend, threads, flags }) {
  const args = [path.join(here, 'run-workload.mjs'), workload, '--backend', backend];
  for (const [key, value] of Object.entries(flags)) {
    if (HARNESS_FLAGS.includes(key)) continue;
    args.push(value === true ? `--${key}` : `--${key}=${value}`);
  }
  const stdout = execFileSync(process.execPath, args, {
    env: {
      ...process.env,
      VMBRL_BACKEND: backend,
      ...(threads ? { VMBRL_WASM_THREADS: String(threads) } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`${workload} on ${backend} printed no result:\n${stdout}`);
  const result = JSON.parse(line.slice('BENCH_RESULT '.length));
  if (threads) result.threads = Number(threads);
  return result;
}

/** Machine facts for reports. */
export function machineInfo() {
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    platform: `${os.platform()} ${os.release()}`,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** `0.93` or `-` for a load figure in cores. */
export const cores = (x) => (typeof x === 'number' ? x.toFixed(2) : '-');

/** Below this much timed wall time, /proc/stat's 10 ms ticks make the load figure rough. */
export const SHORT_WINDOW_MS = 500;

/** `0.93 cores over 2.1 s`, with `~` before a figure taken over less than 0.5 s. */
export function loadText(load) {
  if (!load) return '-';
  const rough = load.wallMs < SHORT_WINDOW_MS ? '~' : '';
  return `${rough}${cores(load.otherCores)} cores over ${(load.wallMs / 1e3).toFixed(1)} s`;
}

/** The figures a case's `derive` added (GFLOP/s, steps/s, ms/frame), as `key value` text. */
export function derivedText(c) {
  const skip = ['name', 'samples', 'median', 'min', 'max', 'mean', 'load'];
  return Object.entries(c)
    .filter(([k, v]) => !skip.includes(k) && (typeof v === 'number' || typeof v === 'string'))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
