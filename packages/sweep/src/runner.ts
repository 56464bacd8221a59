/**
 * Running one cell: its program is a Node module started as a child process, which writes an
 * ordinary run directory and resumes it when started again. The engine knows nothing of what
 * the program computes; it only takes the run directory's lease, starts and stops the program,
 * and records how it ended. Both engines (local pool and queue workers) run cells through here.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEASE_TOKEN_ENV, type Lease, LeaseBusyError, acquireLease } from '@vmbrl/core';
import { type Cell, cellDir } from './cell.js';
import {
  cellPaths,
  checkCellFile,
  readCellStatus,
  writeCellStatus,
  writeOrCheckCellFile,
} from './run-dir.js';

/** What a cell's program is given. */
export interface CellContext {
  cell: Cell<unknown>;
  /** The run directory the program writes (and resumes). */
  runDir: string;
  /** `<runDir>/cell.json`: `{ id, config }`. */
  cellFile: string;
}

/** How cells are executed: a Node module run as a child process per cell. */
export interface CellRunner {
  /** Path of the program (a Node script, e.g. an app's dist/cli.js). */
  module: string;
  /** Its arguments for a cell (default: the run directory). */
  args?: (context: CellContext) => string[];
  /** Extra environment variables for the program. */
  env?: Record<string, string>;
  /** Extra Node flags (e.g. `--max-old-space-size=4096`). */
  nodeOptions?: string[];
  /** Fraction of the cell done in [0, 1], read from its run directory (for progress displays). */
  progress?: (runDir: string) => number | undefined;
  /** Time between SIGTERM and SIGKILL when a program is stopped, in ms (default 10 s). */
  killGraceMs?: number;
}

/** How an attempt at a cell ended. */
export type CellOutcome =
  | { state: 'done'; durationMs: number; attempts: number }
  /** Already done before this call: nothing ran. */
  | { state: 'skipped' }
  /** The program failed (non-zero exit or killed by someone else); recorded in the run dir. */
  | { state: 'failed'; error: string; durationMs: number; attempts: number }
  /** Someone else holds the run directory's lease. */
  | { state: 'busy'; error: string }
  /** Stopped on request (signal/abort); the run directory resumes later. */
  | { state: 'interrupted' }
  /** The lease was taken over while the program ran (we were presumed dead); it was stopped. */
  | { state: 'lost'; error: string };

export interface RunCellOptions {
  runsDir: string;
  runner: CellRunner;
  /** Aborting stops the program (SIGTERM, then SIGKILL after the grace) -> 'interrupted'. */
  signal?: AbortSignal;
  /** Lease time to live and renewal period, in ms. */
  lease?: { ttlMs?: number; renewEveryMs?: number };
  /** How often `runner.progress` is polled, in ms. */
  progressEveryMs?: number;
  onStart?: (info: { pid: number; startedAt: number }) => void;
  onProgress?: (fraction: number) => void;
}

const STDERR_TAIL_CHARS = 2000;
const DEFAULT_KILL_GRACE_MS = 10_000;

/** The preloaded guard that stops a program whose engine died (see parent-guard.ts). */
function guardScript(): string {
  for (const candidate of ['./parent-guard.js', '../dist/parent-guard.js']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(
    '@vmbrl/sweep: dist/parent-guard.js not found; build the package first (npx turbo run build --filter=@vmbrl/sweep)',
  );
}

/** Checks a runner up front, so a typo fails before any cell starts. */
export function checkRunner(runner: CellRunner): void {
  if (!existsSync(runner.module)) {
    throw new Error(`cell program ${resolve(runner.module)} does not exist`);
  }
}

/**
 * Runs `cell` into `<runsDir>/<id>` unless it is done: takes the lease (or reports 'busy'),
 * records the attempt, runs the program to its end, records done or failed, releases the lease.
 */
export async function runCell(cell: Cell<unknown>, options: RunCellOptions): Promise<CellOutcome> {
  const runDir = cellDir(options.runsDir, cell);
  if (readCellStatus(runDir)?.state === 'done') return { state: 'skipped' };
  if (options.signal?.aborted) return { state: 'interrupted' };
  checkCellFile(runDir, cell); // before touching a directory of another config at all
  mkdirSync(runDir, { recursive: true });
  const paths = cellPaths(runDir);

  let lostHolder: string | null = null;
  let child: ChildProcess | undefined;
  let lease: Lease;
  try {
    lease = acquireLease(paths.lock, {
      ...options.lease,
      onLost: (holder) => {
        lostHolder = holder ? `pid ${holder.pid} on ${holder.host}` : 'nobody (lock removed)';
        stop(child, options.runner.killGraceMs);
      },
    });
  } catch (error) {
    if (error instanceof LeaseBusyError) return { state: 'busy', error: error.message };
    throw error;
  }

  try {
    // Checked again under the lease: another engine may have finished it meanwhile.
    const previous = readCellStatus(runDir);
    if (previous?.state === 'done') return { state: 'skipped' };
    writeOrCheckCellFile(runDir, cell);
    const attempts = (previous?.attempts ?? 0) + 1;
    const startedAt = Date.now();
    const base = {
      id: cell.id,
      attempts,
      host: hostname(),
      pid: process.pid,
      startedAt: new Date(startedAt).toISOString(),
    };
    writeCellStatus(runDir, { ...base, state: 'running' });

    const context: CellContext = { cell, runDir, cellFile: paths.cell };
    const args = options.runner.args?.(context) ?? [runDir];
    child = spawn(
      process.execPath,
      [
        ...(options.runner.nodeOptions ?? []),
        '--import',
        guardScript(),
        resolve(options.runner.module),
        ...args,
      ],
      {
        env: {
          ...process.env,
          ...options.runner.env,
          [LEASE_TOKEN_ENV]: lease.token,
          VMBRL_SWEEP_KILL_GRACE_MS: String(options.runner.killGraceMs ?? DEFAULT_KILL_GRACE_MS),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group: a Ctrl-C in the terminal reaches the engine only, which stops
        // the programs once, cleanly; and stop() can signal the program's own children too.
        detached: true,
      },
    );
    const running = child;
    lease.setPids(running.pid === undefined ? [] : [running.pid]);
    options.onStart?.({ pid: running.pid ?? -1, startedAt });

    const exit = await watchProgram(running, paths.log, options, runDir);
    const durationMs = Date.now() - startedAt;
    const finishedAt = new Date().toISOString();
    if (lostHolder !== null) {
      // The run directory is someone else's now: write nothing more into it.
      return {
        state: 'lost',
        error: `lease of ${runDir} was taken over by ${lostHolder}; the program was stopped`,
      };
    }
    if (exit.stoppedByUs) {
      writeCellStatus(runDir, { ...base, state: 'interrupted', finishedAt, durationMs });
      return { state: 'interrupted' };
    }
    if (exit.code === 0) {
      writeCellStatus(runDir, { ...base, state: 'done', finishedAt, durationMs });
      return { state: 'done', durationMs, attempts };
    }
    const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    const tail = exit.stderrTail.trim();
    const error = `cell ${cell.id}: program ${how}${tail ? `:\n${tail}` : ''}`;
    writeCellStatus(runDir, { ...base, state: 'failed', finishedAt, durationMs, error });
    return { state: 'failed', error, durationMs, attempts };
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) stop(child, 0);
    lease.release();
  }
}

interface ProgramExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stoppedByUs: boolean;
  stderrTail: string;
}

/** Logs the program's output, polls its progress, stops it on abort; resolves when it ends. */
function watchProgram(
  child: ChildProcess,
  logPath: string,
  options: RunCellOptions,
  runDir: string,
): Promise<ProgramExit> {
  return new Promise((resolvePromise, reject) => {
    const log = createWriteStream(logPath, { flags: 'a' });
    log.write(`--- ${new Date().toISOString()} pid ${child.pid} on ${hostname()}\n`);
    let stderrTail = '';
    let stoppedByUs = false;
    child.stdout?.pipe(log, { end: false });
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });

    const onAbort = () => {
      stoppedByUs = true;
      stop(child, options.runner.killGraceMs);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    let lastProgress: number | undefined;
    const progressTimer =
      options.runner.progress && options.onProgress
        ? setInterval(() => {
            let fraction: number | undefined;
            try {
              fraction = options.runner.progress?.(runDir);
            } catch {
              return; // a half-written progress source: try at the next tick
            }
            if (fraction !== undefined && fraction !== lastProgress) {
              lastProgress = fraction;
              options.onProgress?.(fraction);
            }
          }, options.progressEveryMs ?? 1000)
        : undefined;

    const finish = () => {
      options.signal?.removeEventListener('abort', onAbort);
      if (progressTimer) clearInterval(progressTimer);
    };
    child.once('error', (error) => {
      finish();
      log.end(() => reject(error));
    });
    child.once('close', (code, signal) => {
      finish();
      log.end(() => resolvePromise({ code, signal, stoppedByUs, stderrTail }));
    });
  });
}

/** SIGTERM to the program's process group, SIGKILL after `graceMs` if it is still there. */
function stop(child: ChildProcess | undefined, graceMs = DEFAULT_KILL_GRACE_MS): void {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  if (graceMs <= 0) {
    signalGroup('SIGKILL');
    return;
  }
  signalGroup('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) signalGroup('SIGKILL');
  }, graceMs);
  timer.unref();
  child.once('close', () => clearTimeout(timer));
}
