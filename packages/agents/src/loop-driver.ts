/**
 * The outer driver every training loop shares: restore from the run directory, run units of
 * work (an iteration, an episode) until the budget, the time limit or a signal stops it, then
 * log why, write the report and emit the final progress.
 */
import type { MetricsLog } from '@vmbrl/metrics';
import type { Episode } from '@vmbrl/replay';
import type { Rng } from '@vmbrl/tensor';
import { writeReport } from './artifacts.js';
import { Interrupted } from './episodes.js';
import type { RunOnlineResult } from './online-loop.js';
import type { ProgressTracker } from './progress.js';
import { type LoopState, findCheckpoint, loadReplayEpisodes, readLoopState } from './run-dir.js';

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

/** The parts of a loop that a checkpoint restores. */
export interface RestoreParts {
  out: string;
  metrics: MetricsLog;
  agent: { load(dir: string): Promise<void> };
  actionRng: Rng;
  replayRng: Rng;
}

/** What {@link restoreRun} found: the counters, the replay episodes to add, dropped rows. */
export interface Restored {
  resumed: boolean;
  state: LoopState;
  episodes: Episode[];
  droppedRows: number;
}

/**
 * Restores a run from its last checkpoint (agent weights and optimisers, RNG streams, counters,
 * the replay's episode files) and drops metrics rows written after it; without a checkpoint,
 * clears what a run killed before its first checkpoint left behind and starts fresh counters.
 */
export async function restoreRun(parts: RestoreParts): Promise<Restored> {
  const checkpoint = findCheckpoint(parts.out);
  if (!checkpoint) {
    loadReplayEpisodes(parts.out, []); // removes episodes of a run killed before its first checkpoint
    parts.metrics.truncateAfter(-1);
    const state: LoopState = {
      episodes: 0,
      envSteps: 0,
      updates: 0,
      evaluations: 0,
      lastEvalReturn: null,
      streams: { actions: parts.actionRng.getState(), replay: parts.replayRng.getState() },
      replayFiles: [],
    };
    return { resumed: false, state, episodes: [], droppedRows: 0 };
  }
  const state = readLoopState(checkpoint);
  await parts.agent.load(`${checkpoint}/agent`);
  parts.actionRng.setState(state.streams.actions);
  parts.replayRng.setState(state.streams.replay);
  const episodes = loadReplayEpisodes(parts.out, state.replayFiles);
  const { dropped } = parts.metrics.truncateAfter(state.envSteps);
  return { resumed: true, state, episodes, droppedRows: dropped };
}

/** True once the episode or env-step budget of a config is used up (null = no limit). */
export function budgetReached(
  budget: { maxEpisodes: number | null; maxEnvSteps: number | null },
  state: LoopState,
): boolean {
  return (
    (budget.maxEpisodes !== null && state.episodes >= budget.maxEpisodes) ||
    (budget.maxEnvSteps !== null && state.envSteps >= budget.maxEnvSteps)
  );
}
