/**
 * Where each cell of a study stands on disk, read from its run directory (the engine's
 * cell-status.json and the run's last checkpoint), and the remaining time it implies.
 */
import { existsSync } from 'node:fs';
import { cellDir, estimateEta, readCellStatus } from '@vmbrl/sweep';
import { cellProgress } from './cell-config.js';
import type { StudyPlan } from './plan.js';

/** A cell's state: `partial` started and resumable, `new` never started. */
export type CellState = 'done' | 'running' | 'partial' | 'failed' | 'new' | 'unavailable';

export interface CellOnDisk {
  state: CellState;
  /** Fraction of its episode budget checkpointed. */
  progress: number;
  /** Wall-clock of the attempt that finished it (done cells). */
  durationMs?: number;
  error?: string;
  attempts: number;
}

/** The state of every runnable cell of `plan` under `runsDir`, by cell id. */
export function readCellStates(plan: StudyPlan, runsDir: string): Map<string, CellOnDisk> {
  const states = new Map<string, CellOnDisk>();
  for (const cell of plan.runnable) {
    const dir = cellDir(runsDir, cell);
    const status = existsSync(dir) ? readCellStatus(dir) : null;
    const progress = existsSync(dir) ? (cellProgress(dir) ?? 0) : 0;
    const attempts = status?.attempts ?? 0;
    if (status?.state === 'done') {
      states.set(cell.id, { state: 'done', progress: 1, durationMs: status.durationMs, attempts });
    } else if (status?.state === 'failed') {
      states.set(cell.id, { state: 'failed', progress, error: status.error, attempts });
    } else if (status?.state === 'running') {
      states.set(cell.id, { state: 'running', progress, attempts });
    } else {
      states.set(cell.id, {
        state: status || progress > 0 ? 'partial' : 'new',
        progress,
        attempts,
      });
    }
  }
  return states;
}

/**
 * Remaining time of the cells not done on `jobs` processes, from the measured time per unit of
 * cost of the done cells (sweep's estimateEta); null before any cell finished.
 */
export function remainingMs(
  plan: StudyPlan,
  states: Map<string, CellOnDisk>,
  jobs: number,
): number | null {
  const finished: { cost: number; durationMs: number }[] = [];
  let queuedCost = 0;
  for (const cell of plan.runnable) {
    const state = states.get(cell.id);
    if (state?.state === 'done') {
      if (state.durationMs !== undefined)
        finished.push({ cost: cell.cost, durationMs: state.durationMs });
    } else {
      queuedCost += cell.cost * (1 - (state?.progress ?? 0));
    }
  }
  return estimateEta({ finished, running: [], queuedCost, jobs });
}

/**
 * Remaining time from the study file's `cell_seconds` (measured CPU seconds of one cell per
 * design): the cells not done, each weighted by what is left of it, spread evenly over `jobs`
 * cores. Null when a design with cells left has no measurement.
 */
export function declaredRemainingMs(
  plan: StudyPlan,
  states: Map<string, CellOnDisk>,
  jobs: number,
): number | null {
  const seconds = plan.file.spec.cell_seconds;
  let total = 0;
  const seen = new Set<string>();
  for (const planned of plan.cells) {
    const { cell } = planned;
    if (!cell || seen.has(cell.id)) continue;
    seen.add(cell.id);
    const state = states.get(cell.id);
    if (state?.state === 'done') continue;
    const measured = seconds[planned.design];
    if (measured === undefined) return null;
    total += measured * (1 - (state?.progress ?? 0));
  }
  return (total * 1000) / jobs;
}
