/**
 * The one run loop, for every agent, as a resumable run. Each iteration collects one training
 * episode and ends with a checkpoint:
 * - PlaNet's Algorithm 1 (and Dreamer's): S seed episodes of random actions; then C updates on
 *   replayed batches before each episode played with exploration noise;
 * - ALM's Algorithm 1: random actions for the first warm-up steps, then updates after every step;
 * - evaluations (no noise) every E episodes or every N env steps; the budget ends the run.
 * All metrics rows of an iteration carry its final env step and are appended just before its
 * checkpoint, so a resumed run truncates exactly the rows of the iteration it repeats and then
 * continues as if never stopped (same random streams, weights, optimisers and replay).
 */
import { type Agent, Rng, type SimulatorEnv, splitSeed } from '@vmbrl/core';
import { MetricsLog, type MetricsRow } from '@vmbrl/metrics';
import { EpisodeBuffer } from '@vmbrl/replay';
import { initBackend } from '@vmbrl/tensor';
import {
  writeEpisodeVideo,
  writeOpenLoopRewards,
  writeOpenLoopVideo,
  writeReport,
} from './artifacts.js';
import { retainCheckpoint } from './checkpoints.js';
import { type LoopConfig, agentStepsPerEpisode, budgetReached } from './config.js';
import type { AgentDefinition, BatchPlan } from './definition.js';
import { directoryBytes, ensureDiskSpace } from './disk-space.js';
import { makeEnvAndAgent } from './env-agent.js';
import { Interrupted, type PlayedEpisode, playEpisode } from './episodes.js';
import { finalEvaluationDue } from './final-evaluation.js';
import { type Budget, ProgressTracker } from './progress.js';
import {
  type LoopState,
  checkSavedConfig,
  findCheckpoint,
  readLoopState,
  readReplayEpisodes,
  removeUnlistedEpisodes,
  runPaths,
  saveEpisode,
  writeCheckpoint,
  writeRunConfig,
} from './run-dir.js';
import type { RunLoopOptions, RunLoopResult } from './run-options.js';
import { LeaseLost, lockRunDirectory, prepareRunDirectory, withRepairHint } from './run-start.js';
import { type UpdatePhase, UpdateStats } from './update-stats.js';

export type { RunLoopOptions, RunLoopResult } from './run-options.js';
export { makeEnvAndAgent } from './env-agent.js';

const REASONS: Record<RunLoopResult['stoppedBy'], string> = {
  signal: 'interrupted',
  time: 'time is up',
  budget: 'budget reached',
};

/** Runs (or resumes) a training run in `options.out`. */
export async function runLoop<C extends LoopConfig>(
  options: RunLoopOptions<C>,
): Promise<RunLoopResult> {
  const { config, definition, out } = options;
  // The lease first: nothing is read for writing or changed before this process owns `out`.
  const stop = new AbortController();
  const lease = lockRunDirectory(out, 'training run', () => stop.abort(new LeaseLost(out)));
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  if (options.signal?.aborted) stop.abort();
  try {
    const backend = await initBackend({
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.wasmThreads !== undefined ? { wasmThreads: options.wasmThreads } : {}),
    });
    prepareRunDirectory(out, { force: options.force, restart: options.restart, log: options.log });
    checkSavedConfig(out, config, options.forceConfig ?? false, options.readSaved);
    writeRunConfig(out, config, backend);
    const { env, agent } = await makeEnvAndAgent(config, definition);
    try {
      const run = new Run({ ...options, signal: stop.signal } as RunLoopOptions, env, agent);
      return await run.run();
    } finally {
      env.close();
      await agent.dispose();
    }
  } finally {
    lease.release();
  }
}

/** The state and steps of one `runLoop` call. */
class Run {
  private readonly config: LoopConfig;
  private readonly definition: AgentDefinition;
  private readonly batches: BatchPlan<unknown> | null;
  private readonly actionRng: Rng;
  private readonly replayRng: Rng;
  private readonly replay: EpisodeBuffer;
  private metrics!: MetricsLog; // opened by restore()
  private readonly progress: ProgressTracker;
  private readonly log: (line: string) => void;
  private state!: LoopState;
  /** Size of the last checkpoint written, for the disk-space guard. */
  private checkpointBytes = 0;

  constructor(
    private readonly options: RunLoopOptions,
    private readonly env: SimulatorEnv,
    private readonly agent: Agent<unknown, unknown>,
  ) {
    this.config = options.config;
    this.definition = options.definition;
    this.batches = agent.learns ? this.definition.batches(this.config) : null;
    const rng = new Rng(this.config.seed);
    this.actionRng = rng.split('random-actions');
    this.replayRng = rng.split('replay');
    this.replay = new EpisodeBuffer({ capacitySteps: this.config.replayCapacity });
    this.log = options.log ?? (() => {});
    const limits: Budget = {
      episodes: this.config.maxEpisodes,
      envSteps: this.config.maxEnvSteps,
      minutes: options.maxMinutes ?? null,
    };
    this.progress = new ProgressTracker(limits, {
      listener: options.onProgress,
      learns: agent.learns,
    });
  }

  /** Restores, runs iterations until a stop, then logs why and writes the report. */
  async run(): Promise<RunLoopResult> {
    const resumed = await withRepairHint(this.options.out, () => this.restore());
    let stoppedBy: RunLoopResult['stoppedBy'] = 'budget';
    this.progress.startClock(this.state); // the --minutes clock and the ETA's
    const { signal, maxMinutes } = this.options;
    while (!budgetReached(this.config, this.state)) {
      if (signal?.aborted) {
        this.checkStop(); // a lost lease is an error: no report is written
        stoppedBy = 'signal';
        break;
      }
      if (maxMinutes !== undefined && this.progress.elapsedSeconds() / 60 >= maxMinutes) {
        stoppedBy = 'time';
        break;
      }
      try {
        await this.iteration();
      } catch (error) {
        if (!(error instanceof Interrupted)) throw error;
        stoppedBy = 'signal';
        break;
      }
    }
    if (stoppedBy === 'budget') stoppedBy = await this.finalEvaluation();
    const s = this.state;
    this.log(
      `${REASONS[stoppedBy]}: checkpoint at episode ${s.episodes}, ${s.envSteps} env steps, ${s.updates} updates`,
    );
    const reportPath = await writeReport(this.options.out, this.definition.lossKeys);
    this.progress.emit('done', s);
    return { reportPath, stoppedBy, resumed, state: s };
  }

  /**
   * At the budget's end: an evaluation of the final weights with its own checkpoint, unless the
   * last one already was of them (a resume after it does not repeat it). A stop requested during
   * it drops it, like an iteration, and a resume does it then.
   */
  private async finalEvaluation(): Promise<RunLoopResult['stoppedBy']> {
    if (!finalEvaluationDue(this.config, this.state, this.metrics.read())) return 'budget';
    const next: LoopState = structuredClone(this.state);
    try {
      this.checkStop();
      ensureDiskSpace(this.options.out, this.checkpointBytes);
      const row = await this.evaluate(next.envSteps, next);
      row.final = true; // not one of the schedule's: tells the curve's last point apart
      this.log(`final evaluation of the trained weights: return ${Number(row.return).toFixed(1)}`);
      await this.commit(next, [row]);
      return 'budget';
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error;
      return 'signal';
    }
  }

  /** One training episode with its updates, then an evaluation if due, then a checkpoint. */
  private async iteration(): Promise<void> {
    const { config, agent, state } = this;
    ensureDiskSpace(this.options.out, this.checkpointBytes); // before any work is spent
    const next: LoopState = structuredClone(state);
    const stats = new UpdateStats(config.logEvery);
    const seeding = state.episodes < config.seedEpisodes;
    // Updates between episodes (PlaNet's C); the pretraining ones once, before the first.
    if (!seeding && agent.learns) {
      const pretrain = state.episodes === config.seedEpisodes ? config.pretrainUpdates : 0;
      const modelOnly = agent.trainWorldModel?.bind(agent) ?? agent.train.bind(agent);
      await this.updates(next, pretrain, modelOnly, stats, 'pretraining');
      await this.updates(next, config.updatesPerEpisode, agent.train.bind(agent), stats, 'main');
    }
    const played = await this.collect(next, seeding, stats);
    ensureDiskSpace(this.options.out, this.checkpointBytes); // nothing of it written yet
    const file = saveEpisode(this.options.out, state.episodes, played.episode);
    this.replay.add(played.episode);
    next.replayFiles.push(file);
    next.episodes += 1;
    const step = next.envSteps;
    const rows: MetricsRow[] = [];
    for (const trainRow of stats.rows(next.updates))
      rows.push({ step, kind: 'train', ...trainRow });
    rows.push({
      step,
      kind: 'episode',
      episode: next.episodes,
      return: played.return,
      length: played.steps,
      random: seeding || step <= config.warmupSteps,
      planSecondsPerStep: seeding ? null : played.policySeconds / played.steps,
    });
    this.progress.lastReturn = played.return;
    if (!seeding && this.definition.trainingEpisodeIsEvaluation(config)) {
      rows.push(this.evalRow(step, next, [played.return]));
      const evaluation = next.evaluations - 1;
      if (played.episode.image) writeEpisodeVideo(this.options.out, played.episode, evaluation);
    } else if (this.evaluationDue(state, next)) {
      rows.push(await this.evaluate(step, next));
    }
    await this.commit(next, rows);
  }

  /** One training episode; ALM-style updates after its steps; it ends early at the budget. */
  private collect(next: LoopState, seeding: boolean, stats: UpdateStats): Promise<PlayedEpisode> {
    const { config, agent } = this;
    const phase = (envSteps: number) =>
      seeding || envSteps < config.warmupSteps ? ('seed' as const) : ('collect' as const);
    this.progress.emit(phase(next.envSteps), next);
    return playEpisode({
      env: this.env,
      agent,
      mode: seeding ? 'random' : 'explore',
      seed: splitSeed(config.seed, `train-episode/${next.episodes}`),
      actionRng: this.actionRng,
      checkStop: this.checkStop,
      actionRepeat: config.actionRepeat,
      envSteps: next.envSteps,
      randomUntil: config.warmupSteps,
      afterStep: async (envSteps, steps) => {
        next.envSteps = envSteps;
        if (agent.learns && config.updatesPerStep > 0 && envSteps > config.warmupSteps) {
          await this.updates(next, config.updatesPerStep, agent.train.bind(agent), stats, 'main');
        }
        this.progress.emit(phase(envSteps), next, steps, agentStepsPerEpisode(config));
        return budgetReached(config, next);
      },
    });
  }

  /**
   * `count` updates on replayed batches (none until replay holds an episode long enough for a
   * batch); their metrics go to `stats` under `phase`.
   */
  private async updates(
    next: LoopState,
    count: number,
    update: (batch: unknown, progress: { envStep: number }) => Record<string, number>,
    stats: UpdateStats,
    phase: UpdatePhase,
  ): Promise<void> {
    const batches = this.batches;
    if (count === 0 || !batches || longestEpisode(this.replay) < batches.rows) return;
    for (let u = 0; u < count; u++) {
      await new Promise((resolve) => setImmediate(resolve)); // lets a Ctrl-C handler run
      this.checkStop();
      const started = performance.now();
      const metrics = update(batches.sample(this.replay, this.replayRng), {
        envStep: next.envSteps,
      });
      next.updates += 1;
      stats.record(phase, metrics, (performance.now() - started) / 1000, next.updates);
      this.progress.lastLosses = metrics;
      this.progress.updatesPerSecond = stats.updatesPerSecond(phase);
      this.progress.emit('train', next);
    }
  }

  /** Evaluations follow every `evalEvery` episodes and every `evalEveryEnvSteps` env steps. */
  private evaluationDue(before: LoopState, after: LoopState): boolean {
    const { evalEvery, evalEveryEnvSteps } = this.config;
    const byEpisodes = evalEvery > 0 && after.episodes % evalEvery === 0;
    const bySteps =
      evalEveryEnvSteps > 0 &&
      Math.floor(after.envSteps / evalEveryEnvSteps) >
        Math.floor(before.envSteps / evalEveryEnvSteps);
    return byEpisodes || bySteps;
  }

  /** Evaluation episodes without noise; writes the evaluation and open-loop videos. */
  private async evaluate(step: number, next: LoopState): Promise<MetricsRow> {
    const { config, agent } = this;
    const returns: number[] = [];
    for (let k = 0; k < config.evalEpisodes; k++) {
      this.progress.emit('eval', next);
      const played = await playEpisode({
        env: this.env,
        agent,
        mode: 'eval',
        seed: splitSeed(config.seed, `eval-episode/${next.evaluations}/${k}`),
        actionRng: this.actionRng,
        checkStop: this.checkStop,
        actionRepeat: config.actionRepeat,
        envSteps: next.envSteps,
        afterStep: (_, steps) => {
          this.progress.emit('eval', next, steps, agentStepsPerEpisode(config));
          return false;
        },
      });
      returns.push(played.return);
      if (k === 0 && played.episode.image) {
        writeEpisodeVideo(this.options.out, played.episode, next.evaluations);
      }
    }
    const seed = splitSeed(config.seed, `open-loop/${next.evaluations}`);
    const openLoop = this.definition.openLoop?.(agent, config, this.replay, seed);
    const row = this.evalRow(step, next, returns);
    if (openLoop?.frames) {
      writeOpenLoopVideo(this.options.out, openLoop.frames, next.evaluations - 1);
      row.openLoopMse = openLoop.frames.mse;
    }
    if (openLoop?.rewards) {
      await writeOpenLoopRewards(this.options.out, openLoop.rewards);
      row.openLoopRewardMse = openLoop.rewards.mse;
    }
    return row;
  }

  /** Throws `Interrupted` once a stop was requested (called between steps and updates). */
  private readonly checkStop = (): void => {
    const signal = this.options.signal;
    if (signal?.reason instanceof LeaseLost) throw signal.reason;
    if (signal?.aborted) throw new Interrupted('stop requested');
  };

  /**
   * Ends an iteration: the RNG streams go into `next`, the rows are appended, the checkpoint is
   * written, `next` becomes the state, and the report is redrawn after an evaluation.
   */
  private async commit(next: LoopState, rows: MetricsRow[]): Promise<void> {
    if (this.options.signal?.reason instanceof LeaseLost) throw this.options.signal.reason;
    next.streams = { actions: this.actionRng.getState(), replay: this.replayRng.getState() };
    this.progress.emit('checkpoint', next);
    for (const row of rows) this.metrics.append(row);
    await writeCheckpoint(this.options.out, next, (dir) => this.agent.save(dir));
    this.checkpointBytes = directoryBytes(runPaths(this.options.out).checkpoint);
    const evaluation = rows.find((r) => r.kind === 'eval')?.return;
    retainCheckpoint(
      this.options.out,
      this.config,
      next,
      typeof evaluation === 'number' ? evaluation : null,
    );
    this.state = next;
    if (rows.some((r) => r.kind === 'eval')) {
      await writeReport(this.options.out, this.definition.lossKeys, true);
    }
  }

  /** The `eval` row of an evaluation's returns; advances the evaluation counters of `next`. */
  private evalRow(step: number, next: LoopState, returns: number[]): MetricsRow {
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
    this.metrics = MetricsLog.open(runPaths(out).metrics);
    const checkpoint = findCheckpoint(out);
    if (!checkpoint) {
      removeUnlistedEpisodes(out, []); // episodes of a run killed before its first checkpoint
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
    this.checkpointBytes = directoryBytes(checkpoint);
    await this.agent.load(`${checkpoint}/agent`);
    this.actionRng.setState(state.streams.actions);
    this.replayRng.setState(state.streams.replay);
    removeUnlistedEpisodes(out, state.replayFiles);
    for (const episode of readReplayEpisodes(out, state.replayFiles)) this.replay.add(episode);
    const { dropped } = this.metrics.truncateAfter(state.envSteps);
    this.state = state;
    this.log(
      `resuming ${out}: episode ${state.episodes}, ${state.envSteps} env steps, ${state.updates} updates, ${this.replay.numEpisodes} replay episodes${dropped ? `, ${dropped} metrics rows after the checkpoint dropped` : ''}`,
    );
    return true;
  }
}

/** Rows of the longest episode in `replay` (0 when empty). */
function longestEpisode(replay: EpisodeBuffer): number {
  return replay.episodeLengths().reduce((a, b) => Math.max(a, b), 0);
}
