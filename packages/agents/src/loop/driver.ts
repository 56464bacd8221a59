import { type Episode, Rng } from '@vmbrl/core';
/**
 * What every training loop shares, as a base class: the RNG streams of random actions and
 * replay sampling, the replay, the metrics file and the progress display; restoring from the
 * run directory; running units of work (an iteration, an episode) until the budget, the time
 * limit or a signal stops them; and committing each unit (metrics rows, then a checkpoint).
 */
import { MetricsLog, type MetricsRow } from '@vmbrl/metrics';
import { EpisodeBuffer } from '@vmbrl/replay';
import { writeReport } from './artifacts.js';
import { Interrupted } from './episodes.js';
import { type Budget, ProgressTracker } from './progress.js';
import {
  type LoopState,
  findCheckpoint,
  loadReplayEpisodes,
  readLoopState,
  runPaths,
  writeCheckpoint,
} from './run-dir.js';
import type { RunOnlineOptions, RunOnlineResult } from './run.js';

/** The loop options every run takes (those of `runOnline` without its config). */
export type LoopOptions = Omit<RunOnlineOptions, 'config' | 'backend' | 'forceConfig'>;

/** The config fields the shared part reads. */
export interface LoopBudget {
  seed: number;
  maxEpisodes: number | null;
  maxEnvSteps: number | null;
}

/** What a checkpoint saves and restores of an agent. */
interface Checkpointable {
  save(dir: string): Promise<void>;
  load(dir: string): Promise<void>;
}

const REASONS: Record<RunOnlineResult['stoppedBy'], string> = {
  signal: 'interrupted',
  time: 'time is up',
  budget: 'budget reached',
};

/** A resumable training run; subclasses define one unit of work ({@link work}). */
export abstract class ResumableRun {
  protected readonly actionRng: Rng;
  protected readonly replayRng: Rng;
  protected readonly replay: EpisodeBuffer;
  protected readonly metrics: MetricsLog;
  protected readonly progress: ProgressTracker;
  protected readonly log: (line: string) => void;
  protected state!: LoopState;

  constructor(
    protected readonly options: LoopOptions,
    private readonly budget: LoopBudget,
    replayCapacity: number,
    private readonly checkpointed: Checkpointable,
  ) {
    const rng = new Rng(budget.seed);
    this.actionRng = rng.split('random-actions');
    this.replayRng = rng.split('replay');
    this.replay = new EpisodeBuffer({ capacitySteps: replayCapacity });
    this.metrics = MetricsLog.open(runPaths(options.out).metrics);
    this.log = options.log ?? (() => {});
    const limits: Budget = {
      episodes: budget.maxEpisodes,
      envSteps: budget.maxEnvSteps,
      minutes: options.maxMinutes ?? null,
    };
    this.progress = new ProgressTracker(limits, options.onProgress);
  }

  /** One unit of work ending with {@link commit}; throws `Interrupted` when stopped midway. */
  protected abstract work(): Promise<void>;

  /** Takes a replay episode restored on resume (subclasses may track more). */
  protected addRestoredEpisode(episode: Episode): void {
    this.replay.add(episode);
  }

  /** Restores, runs units of work until a stop, then logs why and writes the report. */
  async run(): Promise<RunOnlineResult> {
    const resumed = await this.restore();
    let stoppedBy: RunOnlineResult['stoppedBy'] = 'budget';
    const started = performance.now();
    const { signal, maxMinutes } = this.options;
    while (!budgetReached(this.budget, this.state)) {
      if (signal?.aborted) {
        stoppedBy = 'signal';
        break;
      }
      if (maxMinutes !== undefined && (performance.now() - started) / 60_000 >= maxMinutes) {
        stoppedBy = 'time';
        break;
      }
      try {
        await this.work();
      } catch (error) {
        if (!(error instanceof Interrupted)) throw error;
        stoppedBy = 'signal';
        break;
      }
    }
    const s = this.state;
    this.log(
      `${REASONS[stoppedBy]}: checkpoint at episode ${s.episodes}, ${s.envSteps} env steps, ${s.updates} updates`,
    );
    const reportPath = await writeReport(this.options.out);
    this.progress.emit('done', s);
    return { reportPath, stoppedBy, resumed, state: s };
  }

  /** Throws `Interrupted` once a stop was requested (call between steps and updates). */
  protected readonly checkStop = (): void => {
    if (this.options.signal?.aborted) throw new Interrupted('stop requested');
  };

  /**
   * Ends a unit of work: the RNG streams go into `next`, the rows are appended, the checkpoint
   * is written, `next` becomes the state, and the report is redrawn after an evaluation.
   */
  protected async commit(next: LoopState, rows: MetricsRow[]): Promise<void> {
    next.streams = { actions: this.actionRng.getState(), replay: this.replayRng.getState() };
    this.progress.emit('checkpoint', next);
    for (const row of rows) this.metrics.append(row);
    await writeCheckpoint(this.options.out, next, (dir) => this.checkpointed.save(dir));
    this.state = next;
    if (rows.some((r) => r.kind === 'eval')) await writeReport(this.options.out);
  }

  /** The `eval` row of an evaluation's returns; advances the evaluation counters of `next`. */
  protected evalRow(step: number, next: LoopState, returns: number[]): MetricsRow {
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    next.evaluations += 1;
    next.lastEvalReturn = mean;
    this.log(
      `eval ${next.evaluations} after episode ${next.episodes} (${step} env steps): return ${mean.toFixed(1)}`,
    );
    return { step, kind: 'eval', episode: next.episodes, return: mean, episodes: returns.length };
  }

  /**
   * Restores the last checkpoint (agent weights and optimisers, RNG streams, counters, the
   * replay's episode files) and drops metrics rows written after it; without a checkpoint,
   * clears what a run killed before its first checkpoint left behind and starts fresh counters.
   */
  private async restore(): Promise<boolean> {
    const { out } = this.options;
    const checkpoint = findCheckpoint(out);
    if (!checkpoint) {
      loadReplayEpisodes(out, []); // removes episodes of a run killed before its first checkpoint
      this.metrics.truncateAfter(-1);
      this.state = {
        episodes: 0,
        envSteps: 0,
        updates: 0,
        evaluations: 0,
        lastEvalReturn: null,
        streams: { actions: this.actionRng.getState(), replay: this.replayRng.getState() },
        replayFiles: [],
      };
      return false;
    }
    const state = readLoopState(checkpoint);
    await this.checkpointed.load(`${checkpoint}/agent`);
    this.actionRng.setState(state.streams.actions);
    this.replayRng.setState(state.streams.replay);
    for (const episode of loadReplayEpisodes(out, state.replayFiles)) {
      this.addRestoredEpisode(episode);
    }
    const { dropped } = this.metrics.truncateAfter(state.envSteps);
    this.state = state;
    this.log(
      `resuming ${out}: episode ${state.episodes}, ${state.envSteps} env steps, ${state.updates} updates, ${this.replay.numEpisodes} replay episodes${dropped ? `, ${dropped} metrics rows after the checkpoint dropped` : ''}`,
    );
    return true;
  }
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
