/**
 * What every training command shares once its config is resolved: the run directory, the
 * config check against it, the progress display, Ctrl-C handling and the closing lines.
 */
import { resolve } from 'node:path';
import type { OnlineProgress, RunLoopResult } from '@vmbrl/agents';
import { type FlagSpec, UsageError } from '@vmbrl/core';
import { type BackendName, MAX_WASM_THREADS } from '@vmbrl/tensor';
import { closingLines } from './closing.js';
import { ProgressDisplay } from './progress-display.js';

/** Flags every training command takes: budgets, and what `runSession` reads itself. */
export const SESSION_FLAGS: Record<string, FlagSpec> = {
  'max-episodes': {
    type: 'int',
    doc: 'budget: training episodes in total (overrides the preset)',
    min: 1,
  },
  'max-env-steps': {
    type: 'int',
    doc: 'budget: env steps in total (overrides the preset)',
    min: 1,
  },
  minutes: { type: 'float', doc: 'stop this call after N minutes (at an episode end)', min: 0 },
  backend: {
    type: 'enum',
    doc: 'tensor backend (default: fastest available)',
    choices: ['tensorflow', 'wasm', 'cpu'],
  },
  threads: {
    type: 'string',
    doc: 'wasm backend: threads for products and convolutions, 1-8 or auto (= the cores, at most 4); results are identical, only faster (default 1; VMBRL_WASM_THREADS wins)',
  },
  'force-config': {
    type: 'boolean',
    doc: 'resume --out even if its config.json differs',
    default: false,
  },
  force: {
    type: 'boolean',
    doc: 'move files in --out the run did not write into --out/foreign-<time>/ (never deleted)',
    default: false,
  },
  restart: {
    type: 'boolean',
    doc: "start over; the earlier run's files are kept in --out/previous-<time>/",
    default: false,
  },
};

/** Exit codes of a run stopped by a signal (128 + the signal's number), after its checkpoint. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** What a training loop gets from the session. */
export interface SessionHooks {
  out: string;
  signal: AbortSignal;
  onProgress: (progress: OnlineProgress) => void;
  log: (line: string) => void;
  /** `--backend`, `--force-config`, `--force`, `--restart` and `--minutes`, as the loops take them. */
  backend: BackendName | undefined;
  /** `--threads`: wasm threads, validated (undefined = the backend's default). */
  wasmThreads: number | 'auto' | undefined;
  forceConfig: boolean;
  force: boolean;
  restart: boolean;
  maxMinutes: number | undefined;
}

export interface SessionOptions {
  agent: string;
  task: string;
  preset: string;
  seed: number;
  /** The parsed flags shared by the training commands: out, backend, force-config, minutes. */
  flags: Record<string, unknown>;
  maxEpisodes: number | null;
  /** Throws when the run directory holds another config (unless `force`). */
  checkConfig: (out: string, force: boolean) => void;
  run: (hooks: SessionHooks) => Promise<RunLoopResult>;
}

/** `--threads`: an integer from 1 to 8 or 'auto'; anything else is a usage error. */
export function parseThreadsFlag(value: unknown): number | 'auto' | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim().toLowerCase();
  if (text === 'auto') return 'auto';
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= MAX_WASM_THREADS) return n;
  }
  throw new UsageError(
    `--threads '${String(value)}' is not an integer from 1 to ${MAX_WASM_THREADS} or 'auto'`,
  );
}

/** Runs one training session; returns the process exit code. */
export async function runSession(options: SessionOptions): Promise<number> {
  const { agent, task, preset, seed, flags } = options;
  if (typeof flags.out === 'string' && flags.out.trim() === '') {
    throw new UsageError('--out "" is not allowed; give a run directory (or leave --out out)');
  }
  const out = resolve(
    (flags.out as string | undefined) ?? `runs/${agent}-${task}-${preset}-seed${seed}`,
  );
  const wasmThreads = parseThreadsFlag(flags.threads);
  const forceConfig = flags['force-config'] as boolean;
  const restart = flags.restart as boolean;
  try {
    // --restart sets the earlier run (and its config) aside: nothing to compare with.
    if (!restart) options.checkConfig(out, forceConfig);
  } catch (error) {
    // A run directory holding another config is a usage problem: one line, exit code 2.
    throw new UsageError((error as Error).message);
  }
  const display = new ProgressDisplay(process.stderr, options.maxEpisodes);
  const controller = new AbortController();
  let stoppedBy: keyof typeof SIGNAL_EXIT_CODES = 'SIGINT';
  const onInterrupt = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      display.message('second interrupt: exiting now (the last checkpoint stands)');
      process.exit(SIGNAL_EXIT_CODES[stoppedBy]);
    }
    stoppedBy = signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
    display.message(`${signal}: stopping at the last checkpoint (Ctrl-C again to exit at once)`);
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  display.message(`vmbrl-online: ${agent} on ${task}, preset ${preset}, seed ${seed} -> ${out}`);
  try {
    const result = await options.run({
      out,
      signal: controller.signal,
      onProgress: (p) => display.update(p),
      log: (line) => display.message(line),
      backend: flags.backend as BackendName | undefined,
      wasmThreads,
      forceConfig,
      force: flags.force as boolean,
      restart,
      maxMinutes: flags.minutes as number | undefined,
    });
    display.finish();
    for (const line of closingLines(out, result)) console.log(line);
    return result.stoppedBy === 'signal' ? SIGNAL_EXIT_CODES[stoppedBy] : 0;
  } finally {
    display.finish();
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}
