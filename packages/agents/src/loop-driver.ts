/**
 * The outer driver every training loop shares: restore from the run directory, run units of
 * work (an iteration, an episode) until the budget, the time limit or a signal stops it, then
 * log why, write the report and emit the final progress.
 */
import { writeReport } from './artifacts.js';
import { Interrupted } from './episodes.js';
import type { RunOnlineResult } from './online-loop.js';
import type { ProgressTracker } from './progress.js';
import type { LoopState } from './run-dir.js';

/** What a loop hands to {@link driveLoop}. */
export interface DrivenLoop {
  out: string;
  signal?: AbortSignal;
  maxMinutes?: number;
  progress: ProgressTracker;
  log: (line: string) => void;
  /** Loads the last checkpoint if there is one; true when the run resumed. */
  restore: () => Promise<boolean>;
  budgetReached: () => boolean;
  /** One unit of work; throws `Interrupted` when a signal stops it midway. */
  work: () => Promise<void>;
  /** The counters as they are now. */
  state: () => LoopState;
}

const REASONS: Record<RunOnlineResult['stoppedBy'], string> = {
  signal: 'interrupted',
  time: 'time is up',
  budget: 'budget reached',
};

/** Runs `loop` to its end and returns what `runOnline` returns. */
export async function driveLoop(loop: DrivenLoop): Promise<RunOnlineResult> {
  const resumed = await loop.restore();
  let stoppedBy: RunOnlineResult['stoppedBy'] = 'budget';
  const started = performance.now();
  while (!loop.budgetReached()) {
    if (loop.signal?.aborted) {
      stoppedBy = 'signal';
      break;
    }
    const minutes = (performance.now() - started) / 60_000;
    if (loop.maxMinutes !== undefined && minutes >= loop.maxMinutes) {
      stoppedBy = 'time';
      break;
    }
    try {
      await loop.work();
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error;
      stoppedBy = 'signal';
      break;
    }
  }
  const s = loop.state();
  loop.log(
    `${REASONS[stoppedBy]}: checkpoint at episode ${s.episodes}, ${s.envSteps} env steps, ${s.updates} updates`,
  );
  const reportPath = await writeReport(loop.out);
  loop.progress.emit('done', s);
  return { reportPath, stoppedBy, resumed, state: s };
}
