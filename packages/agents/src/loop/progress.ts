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
  /** Estimated seconds to the end of the budget, from this call's pace (null at the start). */
  etaSeconds: number | null;
}

/** Limits of a run: any may be null (no limit). */
export interface Budget {
  episodes: number | null;
  envSteps: number | null;
  /** Wall-clock minutes of this call. */
  minutes: number | null;
}

/** Keeps the latest numbers and turns loop state into {@link OnlineProgress} snapshots. */
export class ProgressTracker {
  updatesPerSecond: number | null = null;
  lastLosses: Record<string, number> | null = null;
  lastReturn: number | null = null;
  private readonly started = performance.now();
  private startFraction: number | null = null;

  constructor(
    private readonly budget: Budget,
    private readonly listener?: (progress: OnlineProgress) => void,
  ) {}

  /** Share of the budget done at `state`; `partialEpisodes` counts the episode in progress. */
  fraction(state: LoopState, elapsedSeconds: number, partialEpisodes = 0): number {
    const parts = [0];
    const { episodes, envSteps, minutes } = this.budget;
    if (episodes !== null) parts.push((state.episodes + partialEpisodes) / episodes);
    if (envSteps !== null) parts.push(state.envSteps / envSteps);
    if (minutes !== null) parts.push(elapsedSeconds / (60 * minutes));
    return Math.min(1, Math.max(...parts));
  }

  /** Builds a snapshot and hands it to the listener. */
  emit(phase: OnlinePhase, state: LoopState, episodeStep = 0, stepsPerEpisode = 0): void {
    if (!this.listener) return;
    const elapsedSeconds = (performance.now() - this.started) / 1000;
    const partial = stepsPerEpisode > 0 ? episodeStep / stepsPerEpisode : 0;
    const fractionDone = this.fraction(state, elapsedSeconds, partial);
    if (this.startFraction === null) this.startFraction = fractionDone;
    const progressed = fractionDone - this.startFraction;
    const etaSeconds =
      progressed > 0 && elapsedSeconds > 0
        ? ((1 - fractionDone) * elapsedSeconds) / progressed
        : null;
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
