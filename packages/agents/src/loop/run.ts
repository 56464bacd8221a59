import { type Agent, type SequenceBatch, type SimulatorEnv, splitSeed } from '@vmbrl/core';
/**
 * PlaNet's Algorithm 1 as a resumable online run: S seed episodes with random actions; then
 * repeat C updates on B chunks of length L and one episode with the planner plus exploration
 * noise; every E episodes an evaluation without noise; until the budget. A checkpoint follows
 * every episode; all metrics rows of an iteration carry that iteration's env step and are
 * appended just before its checkpoint, so a resumed run truncates exactly the rows of the
 * iteration it repeats.
 */
import type { MetricsRow } from '@vmbrl/metrics';
import { type BackendName, initBackend } from '@vmbrl/tensor';
import { makeEnvAndAgent } from '../registry.js';
import { writeEpisodeVideo, writeOpenLoopVideo } from './artifacts.js';
import { type OnlineConfig, agentStepsPerEpisode, validateOnlineConfig } from './config.js';
import { ResumableRun } from './driver.js';
import { playEpisode } from './episodes.js';
import type { OnlineProgress } from './progress.js';
import { type LoopState, prepareRunDir, saveEpisode } from './run-dir.js';

/** Waits one turn of the event loop (signal handlers and timers run; microtasks are not enough). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Options of {@link runOnline}. */
export interface RunOnlineOptions {
  config: OnlineConfig;
  /** Run directory; an existing run there is resumed. */
  out: string;
  /** Tensor backend (default: `initBackend`'s choice). */
  backend?: BackendName;
  /** Resume even if config.json differs (the new config replaces it). */
  forceConfig?: boolean;
  /** Stop (after a complete iteration) once this many minutes have passed in this call. */
  maxMinutes?: number;
  /** Stop as soon as possible: the iteration in progress is dropped, the last checkpoint stands. */
  signal?: AbortSignal;
  /** Called often (every step and update) with counters for a progress display. */
  onProgress?: (progress: OnlineProgress) => void;
  /** Receives one line per notable event (resume, evaluation, stop). */
  log?: (line: string) => void;
}

/** What {@link runOnline} returns. */
export interface RunOnlineResult {
  reportPath: string;
  /** Why the call ended. */
  stoppedBy: 'budget' | 'time' | 'signal';
  /** True when the call resumed an earlier run. */
  resumed: boolean;
  state: LoopState;
}

/** Runs (or resumes) an online training run in `options.out`. */
export async function runOnline(options: RunOnlineOptions): Promise<RunOnlineResult> {
  const { config, out } = options;
  validateOnlineConfig(config);
  const backend = await initBackend(options.backend ? { backend: options.backend } : {});
  prepareRunDir(out, config, backend, options.forceConfig ?? false);
  const { env, agent } = await makeEnvAndAgent(config);
  try {
    return await new OnlineRun(options, env, agent).run();
  } finally {
    env.close();
    await agent.dispose();
  }
}

/** The state and steps of one `runOnline` call. */
class OnlineRun extends ResumableRun {
  private readonly config: OnlineConfig;

  constructor(
    options: RunOnlineOptions,
    private readonly env: SimulatorEnv,
    private readonly agent: Agent,
  ) {
    super(options, options.config, options.config.replayCapacity, agent);
    this.config = options.config;
  }

  /** One iteration of Algorithm 1, ending with a checkpoint. */
  protected async work(): Promise<void> {
    const { config, agent, state } = this;
    const rows: MetricsRow[] = [];
    const random = state.episodes < config.seedEpisodes;
    const next: LoopState = structuredClone(state);
    let trainRow: Record<string, number> | null = null;
    // Pretraining (world model only) happens once, before the first trained episode.
    const pretrain = state.episodes === config.seedEpisodes ? config.pretrainUpdates : 0;
    if (!random && agent.learns && config.updatesPerEpisode + pretrain > 0) {
      trainRow = await this.train(next, pretrain);
    }
    this.progress.emit(random ? 'seed' : 'collect', next);
    const played = await playEpisode({
      env: this.env,
      agent,
      mode: random ? 'random' : 'explore',
      seed: splitSeed(config.seed, `train-episode/${state.episodes}`),
      actionRng: this.actionRng,
      checkStop: this.checkStop,
      onStep: (steps) =>
        this.progress.emit(random ? 'seed' : 'collect', next, steps, this.stepsPerEpisode),
    });
    const file = saveEpisode(this.options.out, state.episodes, played.episode);
    this.replay.add(played.episode);
    next.replayFiles.push(file);
    next.episodes += 1;
    next.envSteps += played.steps * config.actionRepeat;
    const step = next.envSteps;
    if (trainRow) rows.push({ step, kind: 'train', ...trainRow });
    rows.push({
      step,
      kind: 'episode',
      episode: next.episodes,
      return: played.return,
      length: played.steps,
      random,
      planSecondsPerStep: random ? null : played.policySeconds / played.steps,
    });
    this.progress.lastReturn = played.return;
    // An episode of an agent that neither learns nor explores is an evaluation already.
    const isEval = !agent.learns && config.explorationNoise === 0 && !random;
    if (isEval) {
      rows.push(this.evalRow(step, next, [played.return]));
      writeEpisodeVideo(this.options.out, played.episode);
    } else if (config.evalEvery > 0 && next.episodes % config.evalEvery === 0) {
      rows.push(await this.evaluate(step, next));
    }
    await this.commit(next, rows);
  }

  /**
   * `pretrain` world-model-only updates, then C updates; returns the mean metrics of the C
   * updates (of the pretraining when C = 0) plus counters for the `train` row.
   */
  private async train(next: LoopState, pretrain: number): Promise<Record<string, number>> {
    const { updatesPerEpisode } = this.config;
    const agent = this.agent;
    const modelOnly = agent.trainWorldModel?.bind(agent) ?? agent.train.bind(agent);
    // The logged rate counts both phases from the first update of this call.
    const since = { time: performance.now(), updates: next.updates };
    const pretrained = await this.updates(next, pretrain, modelOnly, since);
    const means =
      updatesPerEpisode > 0
        ? await this.updates(next, updatesPerEpisode, agent.train.bind(agent), since)
        : pretrained;
    means.updates = next.updates;
    if (pretrain > 0) means.pretrainUpdates = pretrain;
    means.updatesPerSecond = this.progress.updatesPerSecond ?? 0;
    return means;
  }

  /** `count` updates with `update` on replayed batches; returns their mean metrics. */
  private async updates(
    next: LoopState,
    count: number,
    update: (batch: SequenceBatch) => Record<string, number>,
    since: { time: number; updates: number },
  ): Promise<Record<string, number>> {
    const { batchSize, chunkLength } = this.config;
    const sums: Record<string, number> = {};
    for (let u = 0; u < count; u++) {
      await yieldToEventLoop(); // lets a Ctrl-C handler run between updates
      this.checkStop();
      const batch = this.replay.sample(batchSize, chunkLength, this.replayRng, ['image']);
      const metrics = update(batch);
      for (const [key, value] of Object.entries(metrics)) sums[key] = (sums[key] ?? 0) + value;
      next.updates += 1;
      this.progress.lastLosses = metrics;
      const seconds = (performance.now() - since.time) / 1000;
      this.progress.updatesPerSecond = (next.updates - since.updates) / seconds;
      this.progress.emit('train', next);
    }
    const means: Record<string, number> = {};
    for (const [key, sum] of Object.entries(sums)) means[key] = sum / count;
    return means;
  }

  /** Evaluation episodes without noise; writes the eval and open-loop videos. */
  private async evaluate(step: number, next: LoopState): Promise<MetricsRow> {
    const returns: number[] = [];
    for (let k = 0; k < this.config.evalEpisodes; k++) {
      this.progress.emit('eval', next);
      const played = await playEpisode({
        env: this.env,
        agent: this.agent,
        mode: 'eval',
        seed: splitSeed(this.config.seed, `eval-episode/${next.evaluations}/${k}`),
        actionRng: this.actionRng,
        checkStop: this.checkStop,
        onStep: (steps) => this.progress.emit('eval', next, steps),
      });
      returns.push(played.return);
      if (k === 0) writeEpisodeVideo(this.options.out, played.episode);
    }
    const openLoop = writeOpenLoopVideo(this.options.out, this.agent, this.replay, {
      length: this.config.chunkLength,
      context: this.config.openLoopContext,
      seed: splitSeed(this.config.seed, `open-loop/${next.evaluations}`),
    });
    const row = this.evalRow(step, next, returns);
    if (openLoop) row.openLoopMse = openLoop.mse;
    return row;
  }

  /** Episodes' frames and agent steps, for the progress display. */
  get stepsPerEpisode(): number {
    return agentStepsPerEpisode(this.config);
  }
}
