/**
 * The local engine (the default; no server): a pool of N child processes on this machine runs
 * the cells, costliest first. Done cells are skipped, partial ones resumed (the program resumes
 * its run directory), a failed cell is recorded with its error and does not stop the others.
 */
import { type Cell, cellDir } from './cell.js';
import { checkCellFile, readCellStatus } from './run-dir.js';
import { type CellRunner, checkRunner, runCell } from './runner.js';
import { abortOnSignals } from './signals.js';

/** A snapshot of a local sweep, sent on every change. */
export interface LocalProgress {
  total: number;
  /** Cells done, including those found done at the start. */
  done: number;
  /** Of `done`, those that were already done at the start. */
  skipped: number;
  running: { id: string; since: number; progress?: number }[];
  failed: { id: string; error: string }[];
  /** Cells someone else (another process or worker) was running; left alone. */
  busy: { id: string; error: string }[];
  /** Cells not started yet. */
  queued: number;
  /** Estimated time to finish in ms, from measured durations; null before any measurement. */
  etaMs: number | null;
}

export interface LocalOptions {
  /** Where the run directories are (`<runsDir>/<id>`). */
  runsDir: string;
  /** Programs run at once (>= 1). */
  jobs: number;
  runner: CellRunner;
  onProgress?: (progress: LocalProgress) => void;
  /** Aborting stops the running programs cleanly and starts no more. Without it, runLocal
   * handles SIGINT/SIGTERM itself for its duration: it stops the programs cleanly, then lets the
   * signal end the process as it would have (exit status 130/143). */
  signal?: AbortSignal;
  lease?: { ttlMs?: number; renewEveryMs?: number };
  progressEveryMs?: number;
}

export interface LocalSummary {
  /** Cells that ran to the end in this call. */
  done: string[];
  /** Cells that were already done. */
  skipped: string[];
  failed: { id: string; error: string }[];
  busy: { id: string; error: string }[];
  /** Cells stopped or never started because of the abort. */
  interrupted: string[];
}

/** Costliest first (longest-processing-time order shortens the sweep), then by id. */
export function byCostDescending<T extends Pick<Cell, 'id' | 'cost'>>(cells: T[]): T[] {
  return [...cells].sort((a, b) => b.cost - a.cost || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** One id, one cell: a sweep that lists a config twice runs it once. */
export function uniqueCells<T extends Pick<Cell, 'id'>>(cells: T[]): T[] {
  const seen = new Set<string>();
  return cells.filter((cell) => !seen.has(cell.id) && seen.add(cell.id));
}

/**
 * Remaining time of a sweep, from the cost-weighted speed measured on finished cells: with
 * r = (sum of measured durations) / (sum of their costs), a running cell has
 * max(0, r * cost - elapsed) left and a queued cell r * cost. The work left is shared by `jobs`
 * processes, but the sweep cannot end before its longest running cell: the estimate is
 * max(longest running cell left, work left / jobs). Null when nothing was measured.
 */
export function estimateEta(input: {
  finished: { cost: number; durationMs: number }[];
  running: { cost: number; elapsedMs: number }[];
  queuedCost: number;
  jobs: number;
}): number | null {
  const measuredCost = input.finished.reduce((sum, cell) => sum + cell.cost, 0);
  if (input.finished.length === 0 || measuredCost <= 0) return null;
  const msPerCost = input.finished.reduce((sum, cell) => sum + cell.durationMs, 0) / measuredCost;
  const runningLeft = input.running.map((cell) =>
    Math.max(0, msPerCost * cell.cost - cell.elapsedMs),
  );
  const left = runningLeft.reduce((sum, ms) => sum + ms, 0) + msPerCost * input.queuedCost;
  return Math.max(0, ...runningLeft, left / Math.max(1, input.jobs));
}

/** Runs `cells` on a pool of `jobs` processes; resolves when all are settled or on abort. */
export async function runLocal<Config>(
  cells: Cell<Config>[],
  options: LocalOptions,
): Promise<LocalSummary> {
  if (!Number.isInteger(options.jobs) || options.jobs < 1) {
    throw new Error(`runLocal: jobs must be an integer >= 1, got ${options.jobs}`);
  }
  checkRunner(options.runner);
  const ordered = byCostDescending(uniqueCells(cells));
  const summary: LocalSummary = { done: [], skipped: [], failed: [], busy: [], interrupted: [] };
  const finished: { cost: number; durationMs: number }[] = [];
  const running = new Map<string, { cell: Cell<Config>; since: number; progress?: number }>();
  let next = 0;

  // A run directory of another config stops the sweep before anything runs. Cells already done
  // count as measurements of the speed, and are skipped.
  for (const cell of ordered) checkCellFile(cellDir(options.runsDir, cell), cell);
  const todo: Cell<Config>[] = [];
  for (const cell of ordered) {
    const status = readCellStatus(cellDir(options.runsDir, cell));
    if (status?.state === 'done') {
      summary.skipped.push(cell.id);
      if (status.durationMs !== undefined)
        finished.push({ cost: cell.cost, durationMs: status.durationMs });
    } else {
      todo.push(cell);
    }
  }

  const report = () => {
    if (!options.onProgress) return;
    const now = Date.now();
    const queued = todo.slice(next);
    options.onProgress({
      total: ordered.length,
      done: summary.done.length + summary.skipped.length,
      skipped: summary.skipped.length,
      running: [...running.values()].map(({ cell, since, progress }) => ({
        id: cell.id,
        since,
        ...(progress === undefined ? {} : { progress }),
      })),
      failed: [...summary.failed],
      busy: [...summary.busy],
      queued: queued.length,
      etaMs: estimateEta({
        finished,
        running: [...running.values()].map(({ cell, since }) => ({
          cost: cell.cost,
          elapsedMs: now - since,
        })),
        queuedCost: queued.reduce((sum, cell) => sum + cell.cost, 0),
        jobs: options.jobs,
      }),
    });
  };

  const lane = async (signal: AbortSignal | undefined) => {
    while (next < todo.length && !signal?.aborted) {
      const cell = todo[next++];
      // An error of the engine itself (e.g. an unwritable directory) fails this cell only.
      const outcome = await runCell(cell, {
        runsDir: options.runsDir,
        runner: options.runner,
        signal,
        lease: options.lease,
        progressEveryMs: options.progressEveryMs,
        onStart: ({ startedAt }) => {
          running.set(cell.id, { cell, since: startedAt });
          report();
        },
        onProgress: (fraction) => {
          const entry = running.get(cell.id);
          if (entry) entry.progress = fraction;
          report();
        },
      }).catch((error: Error) => ({ state: 'failed' as const, error: error.message }));
      running.delete(cell.id);
      switch (outcome.state) {
        case 'done':
          summary.done.push(cell.id);
          finished.push({ cost: cell.cost, durationMs: outcome.durationMs });
          break;
        case 'skipped':
          summary.skipped.push(cell.id);
          break;
        case 'failed':
          summary.failed.push({ id: cell.id, error: outcome.error });
          break;
        case 'busy':
        case 'lost':
          summary.busy.push({ id: cell.id, error: outcome.error });
          break;
        case 'interrupted':
          summary.interrupted.push(cell.id);
          break;
      }
      report();
    }
  };

  const ownSignals = options.signal ? undefined : abortOnSignals();
  const signal = options.signal ?? ownSignals?.signal;
  try {
    report();
    await Promise.all(
      Array.from({ length: Math.min(options.jobs, todo.length) }, () => lane(signal)),
    );
  } finally {
    ownSignals?.dispose();
  }
  summary.interrupted.push(...todo.slice(next).map((cell) => cell.id));
  const received = ownSignals?.received();
  // The programs are stopped and recorded: now the signal's default action ends the process.
  if (received) process.kill(process.pid, received);
  return summary;
}
