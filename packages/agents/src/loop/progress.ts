/** Progress of an online run for displays: counters, rates, last losses, ETA. */
import type { LoopState } from './run-dir.js';

/** What the run is doing. */
export type OnlinePhase = 'seed' | 'train' | 'collect' | 'eval' | 'checkpoint' | 'done';

/** One progress snapshot. */
export interface OnlineProgress {
  phase: OnlinePhase;
  /** Training episodes done (seed episodes included). */
  episodes: number;
  /** Control steps of training episodes done. */
  envSteps: number;
  updates: number;
  evaluations: number;
  /** Agent steps into the episode being played (0 outside episodes). */
  episodeStep: number;
  /** Updates per second over the latest training phase (null before the first). */
  updatesPerSecond: number | null;
  /** Metrics of the latest update (loss, image, reward, kl, ...). */
  lastLosses: Record<string, number> | null;
  /** Return of the latest training episode. */
  lastReturn: number | null;
  lastEvalReturn: number | null;
  /** Seconds since this call started. */
  elapsedSeconds: number;
  /** Share of the budget done, in [0, 1] (the largest of episodes, env steps and time). */
  fractionDone: number;
  /** Estimated seconds to the end of the run (see {@link estimateEta}; null at the start). */
  etaSeconds: number | null;
}

/** Limits of a run: any may be null (no limit). */
export interface Budget {
  episodes: number | null;
  envSteps: number | null;
  /** Wall-clock minutes of this call. */
  minutes: number | null;
}

/** The end of a completed iteration: when (seconds on the tracker's clock) and the counters. */
export interface IterationMark {
  elapsed: number;
  episodes: number;
  envSteps: number;
  /** Updates made by then (absent: not tracked). */
  updates?: number;
}

/** What {@link estimateEta} needs: the budget, the clock, and the last two iteration ends. */
export interface EtaInput {
  budget: Budget;
  /** Seconds since the run's clock started (the clock `--minutes` is measured on). */
  elapsed: number;
  /** The end of the latest completed iteration (null before the first). */
  last: IterationMark | null;
  /** The end of the one before it (null before the second, or at the call's start). */
  previous: IterationMark | null;
  /** The agent updates itself: an iteration without updates (a seed or warm-up episode) then
   * says nothing about the pace of the ones to come. */
  learns?: boolean;
}

/**
 * Seconds until the run stops, at the pace of its latest iteration (one training episode with
 * its updates, evaluation and checkpoint), whichever budget ends it first:
 * - episodes: the iterations left, at that pace;
 * - env steps: the env steps left at the latest iteration's steps per second (the loop stops
 *   mid-episode there);
 * - minutes: the loop looks at the clock only when an iteration starts, so the run ends with the
 *   first iteration that ends at or after the deadline.
 * Null before an iteration's pace is known or without a budget, and for a learning agent while
 * its latest iteration made no updates (random seed episodes are far faster than trained ones).
 */
export function estimateEta(input: EtaInput): number | null {
  const { budget, elapsed, last, previous } = input;
  if (!last || !previous) return null;
  if (input.learns && last.updates !== undefined && last.updates === previous.updates) return null;
  const pace = last.elapsed - previous.elapsed;
  if (!(pace > 0)) return null;
  // The iteration in progress ends at `end` with one more episode.
  const left = Math.max(0, pace - (elapsed - last.elapsed));
  const end = elapsed + left;
  const etas: number[] = [];
  if (budget.episodes !== null) {
    const after = Math.max(0, budget.episodes - (last.episodes + 1));
    etas.push(left + after * pace);
  }
  const stepsPerIteration = last.envSteps - previous.envSteps;
  if (budget.envSteps !== null && stepsPerIteration > 0) {
    const stepsLeft = budget.envSteps - last.envSteps;
    etas.push(Math.max(0, last.elapsed + (stepsLeft / stepsPerIteration) * pace - elapsed));
  }
  if (budget.minutes !== null) {
    const deadline = 60 * budget.minutes;
    const more = Math.max(0, Math.ceil((deadline - end) / pace));
    etas.push(left + more * pace);
  }
  return etas.length > 0 ? Math.min(...etas) : null;
}

/** Keeps the latest numbers and turns loop state into {@link OnlineProgress} snapshots. */
export class ProgressTracker {
  updatesPerSecond: number | null = null;
  lastLosses: Record<string, number> | null = null;
  lastReturn: number | null = null;
  private started: number;
  private last: IterationMark | null = null;
  private previous: IterationMark | null = null;

  private readonly listener?: (progress: OnlineProgress) => void;
  private readonly clock: () => number;
  private readonly learns: boolean;

  constructor(
    private readonly budget: Budget,
    options: {
      /** Called with every snapshot. */
      listener?: (progress: OnlineProgress) => void;
      /** Seconds on a monotonic clock (replaced in tests). */
      clock?: () => number;
      /** The agent updates itself (see {@link EtaInput.learns}). */
      learns?: boolean;
    } = {},
  ) {
    this.listener = options.listener;
    this.clock = options.clock ?? (() => performance.now() / 1000);
    this.learns = options.learns ?? false;
    this.started = this.clock();
  }

  /** Restarts the clock: the run's time budget counts from here. */
  startClock(state: LoopState): void {
    this.started = this.clock();
    this.previous = null;
    this.last = mark(0, state);
  }

  /** Seconds since the clock started. */
  elapsedSeconds(): number {
    return this.clock() - this.started;
  }

  /** Share of the budget done at `state`; `partialEpisodes` counts the episode in progress. */
  fraction(state: LoopState, elapsedSeconds: number, partialEpisodes = 0): number {
    const parts = [0];
    const { episodes, envSteps, minutes } = this.budget;
    if (episodes !== null) parts.push((state.episodes + partialEpisodes) / episodes);
    if (envSteps !== null) parts.push(state.envSteps / envSteps);
    if (minutes !== null) parts.push(elapsedSeconds / (60 * minutes));
    return Math.min(1, Math.max(...parts));
  }

  /** Builds a snapshot and hands it to the listener; a checkpoint marks an iteration's end. */
  emit(phase: OnlinePhase, state: LoopState, episodeStep = 0, stepsPerEpisode = 0): void {
    const elapsedSeconds = this.elapsedSeconds();
    if (phase === 'checkpoint') {
      this.previous = this.last;
      this.last = mark(elapsedSeconds, state);
    }
    if (!this.listener) return;
    const partial = stepsPerEpisode > 0 ? episodeStep / stepsPerEpisode : 0;
    const fractionDone = this.fraction(state, elapsedSeconds, partial);
    const etaSeconds =
      phase === 'done'
        ? 0
        : estimateEta({
            budget: this.budget,
            elapsed: elapsedSeconds,
            last: this.last,
            previous: this.previous,
            learns: this.learns,
          });
    this.listener({
      phase,
      episodes: state.episodes,
      envSteps: state.envSteps,
      updates: state.updates,
      evaluations: state.evaluations,
      episodeStep,
      updatesPerSecond: this.updatesPerSecond,
      lastLosses: this.lastLosses,
      lastReturn: this.lastReturn,
      lastEvalReturn: state.lastEvalReturn,
      elapsedSeconds,
      fractionDone,
      etaSeconds,
    });
  }
}

function mark(elapsed: number, state: LoopState): IterationMark {
  return { elapsed, episodes: state.episodes, envSteps: state.envSteps, updates: state.updates };
}
