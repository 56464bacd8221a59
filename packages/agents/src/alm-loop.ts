/**
 * ALM's online loop (Ghugare et al. 2023, Algorithm 1) as a resumable run: every env step the
 * agent acts (uniform random actions during the warm-up), the transition is recorded, and once
 * the warm-up is over `updatesPerStep` updates follow. PlaNet's loop (`runOnline`) alternates
 * whole training phases and whole episodes, so ALM gets this per-step variant; it shares the run
 * directory, checkpoints, metrics, report and resume machinery. A checkpoint follows every
 * training episode, so a resumed run repeats the unfinished episode (with its updates) exactly.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { type SimulatorEnv, makeWrappedEnv } from '@vmbrl/envs';
import { MetricsLog, type MetricsRow, writeFileAtomic } from '@vmbrl/metrics';
import { EpisodeBuffer, EpisodeBuilder } from '@vmbrl/replay';
import { Rng, initBackend, splitSeed } from '@vmbrl/tensor';
import { AlmAgent } from './alm-agent.js';
import { type AlmRunConfig, validateAlmRunConfig } from './alm-run-config.js';
import { writeReport } from './artifacts.js';
import { type OnlineConfig, configDifferences } from './config.js';
import { Interrupted } from './episodes.js';
import { budgetReached, driveLoop, restoreRun } from './loop-driver.js';
import { type RunOnlineOptions, type RunOnlineResult, yieldToEventLoop } from './online-loop.js';
import { type Budget, ProgressTracker } from './progress.js';
import { type LoopState, runPaths, saveEpisode, writeCheckpoint } from './run-dir.js';

/** Options of {@link runAlm}: those of `runOnline`, with an ALM run config. */
export type RunAlmOptions = Omit<RunOnlineOptions, 'config'> & { config: AlmRunConfig };

/**
 * Refuses an existing run directory whose config.json differs (budgets aside) unless `force`;
 * returns true when `out` already holds a run. Writes nothing.
 */
export function checkAlmRunConfig(out: string, config: AlmRunConfig, force = false): boolean {
  const path = runPaths(out).config;
  if (!existsSync(path)) return false;
  let saved: AlmRunConfig;
  try {
    const { backend: _backend, ...rest } = JSON.parse(readFileSync(path, 'utf8'));
    saved = rest as AlmRunConfig;
    validateAlmRunConfig(saved);
  } catch (error) {
    throw new Error(`${path} is not a valid ALM run config: ${(error as Error).message}`);
  }
  // The same budget fields as PlaNet's config, so the shared comparison applies.
  const differences = configDifferences(
    saved as unknown as OnlineConfig,
    config as unknown as OnlineConfig,
  );
  if (differences.length > 0 && !force) {
    throw new Error(
      `${out} holds a run with a different config (${differences.join('; ')}); use the same settings to resume, another --out, or --force-config to continue with the new config`,
    );
  }
  return true;
}

/** Runs (or resumes) an online ALM run in `options.out`. */
export async function runAlm(options: RunAlmOptions): Promise<RunOnlineResult> {
  const { config, out } = options;
  validateAlmRunConfig(config);
  const backend = await initBackend(options.backend ? { backend: options.backend } : {});
  checkAlmRunConfig(out, config, options.forceConfig ?? false);
  const paths = runPaths(out);
  mkdirSync(paths.episodes, { recursive: true });
  writeFileAtomic(paths.config, `${JSON.stringify({ ...config, backend }, null, 2)}\n`);
  const env = await makeWrappedEnv({
    task: config.task,
    seed: config.seed,
    timeLimit: config.episodeSteps ?? undefined,
  });
  const stateDim = env.observationSpec.state?.shape[0];
  if (stateDim === undefined) throw new Error(`ALM: task ${config.task} has no state observation`);
  const agent = new AlmAgent({
    stateDim,
    actionDim: env.actionSpec.shape[0] as number,
    config: config.learner,
    seed: config.seed,
  });
  try {
    return await new AlmRun(options, env, agent).run();
  } finally {
    env.close();
    await agent.dispose();
  }
}

/** The state and steps of one `runAlm` call. */
class AlmRun {
  private readonly config: AlmRunConfig;
  private readonly actionRng: Rng;
  private readonly replayRng: Rng;
  private readonly replay: EpisodeBuffer;
  private readonly metrics: MetricsLog;
  private readonly progress: ProgressTracker;
  private readonly log: (line: string) => void;
  /** Longest stored episode in rows: updates wait for one of at least K + 1 rows. */
  private longestEpisode = 0;
  private state!: LoopState;

  constructor(
    private readonly options: RunAlmOptions,
    private readonly env: SimulatorEnv,
    private readonly agent: AlmAgent,
  ) {
    this.config = options.config;
    const rng = new Rng(this.config.seed);
    this.actionRng = rng.split('random-actions');
    this.replayRng = rng.split('replay');
    this.replay = new EpisodeBuffer({ capacitySteps: this.config.learner.replayCapacity });
    this.metrics = MetricsLog.open(runPaths(options.out).metrics);
    this.log = options.log ?? (() => {});
    const budget: Budget = {
      episodes: this.config.maxEpisodes,
      envSteps: this.config.maxEnvSteps,
      minutes: options.maxMinutes ?? null,
    };
    this.progress = new ProgressTracker(budget, options.onProgress);
  }

  run(): Promise<RunOnlineResult> {
    return driveLoop({
      out: this.options.out,
      signal: this.options.signal,
      maxMinutes: this.options.maxMinutes,
      progress: this.progress,
      log: (line) => this.log(line),
      restore: () => this.restore(),
      budgetReached: () => budgetReached(this.config, this.state),
      work: () => this.episode(),
      state: () => this.state,
    });
  }

  /** Loads the last checkpoint (weights, Adams, RNG streams, counters, replay) if there is one. */
  private async restore(): Promise<boolean> {
    const restored = await restoreRun({
      out: this.options.out,
      metrics: this.metrics,
      agent: this.agent,
      actionRng: this.actionRng,
      replayRng: this.replayRng,
    });
    this.state = restored.state;
    if (!restored.resumed) return false;
    for (const episode of restored.episodes) {
      this.replay.add(episode);
      this.longestEpisode = Math.max(this.longestEpisode, episode.length);
    }
    const dropped = restored.droppedRows;
    this.log(
      `resuming ${this.options.out}: episode ${this.state.episodes}, ${this.state.envSteps} env steps, ${this.state.updates} updates${dropped ? `, ${dropped} metrics rows after the checkpoint dropped` : ''}`,
    );
    return true;
  }

  private checkStop(): void {
    if (this.options.signal?.aborted) throw new Interrupted('stop requested');
  }

  /** One training episode with its per-step updates, then evaluation if due and a checkpoint. */
  private async episode(): Promise<void> {
    const { config, agent, env } = this;
    const { warmupSteps, horizon, batchSize } = config.learner;
    const next: LoopState = structuredClone(this.state);
    const spec = env.actionSpec;
    const actionDim = agent.actionDim;
    let ts = env.reset(splitSeed(config.seed, `train-episode/${next.episodes}`));
    const builder = new EpisodeBuilder(actionDim);
    builder.start(ts.observation);
    const sums: Record<string, number> = {};
    let updates = 0;
    let total = 0;
    let steps = 0;
    let updateSeconds = 0;
    const random = next.envSteps < warmupSteps;
    while (!ts.last && !(steps > 0 && budgetReached(this.config, next))) {
      await yieldToEventLoop(); // lets a Ctrl-C handler run between steps
      this.checkStop();
      let action: Float32Array;
      if (next.envSteps < warmupSteps) {
        action = new Float32Array(actionDim);
        for (let i = 0; i < actionDim; i++) action[i] = this.actionRng.uniform(spec.min, spec.max);
      } else {
        agent.envStep = next.envSteps;
        const observation = { state: ts.observation.state };
        action = (await agent.policy(observation, null, { explore: true })).action;
      }
      ts = env.step(action);
      builder.add(action, ts.reward, ts.discount, ts.observation);
      total += ts.reward;
      steps += 1;
      next.envSteps += 1;
      // Algorithm 1 lines 6-11, after the warm-up, once replay holds a K-step sequence.
      if (next.envSteps > warmupSteps && this.longestEpisode >= horizon + 1) {
        agent.envStep = next.envSteps;
        const started = performance.now();
        for (let u = 0; u < config.updatesPerStep; u++) {
          const sequences = this.replay.sampleTransitions(batchSize, horizon, this.replayRng, [
            'state',
          ]);
          const transitions = this.replay.sampleTransitions(batchSize, 1, this.replayRng, [
            'state',
          ]);
          const metrics = agent.update(sequences, transitions);
          for (const [key, value] of Object.entries(metrics)) sums[key] = (sums[key] ?? 0) + value;
          updates += 1;
          next.updates += 1;
          this.progress.lastLosses = metrics;
        }
        updateSeconds += (performance.now() - started) / 1000;
        this.progress.updatesPerSecond = updates / updateSeconds;
      }
      this.progress.emit(random ? 'seed' : 'collect', next, steps, this.stepsPerEpisode);
    }
    agent.envStep = next.envSteps;
    const played = builder.finish();
    const file = saveEpisode(this.options.out, next.episodes, played);
    this.replay.add(played);
    this.longestEpisode = Math.max(this.longestEpisode, played.length);
    next.replayFiles.push(file);
    next.episodes += 1;
    const step = next.envSteps;
    const rows: MetricsRow[] = [];
    if (updates > 0) {
      const means: Record<string, number> = {};
      for (const [key, sum] of Object.entries(sums)) means[key] = sum / updates;
      rows.push({
        step,
        kind: 'train',
        ...means,
        updates: next.updates,
        updatesPerSecond: updates / updateSeconds,
      });
    }
    rows.push({
      step,
      kind: 'episode',
      episode: next.episodes,
      return: total,
      length: steps,
      random: step <= warmupSteps,
    });
    this.progress.lastReturn = total;
    const every = config.evalEvery;
    if (every > 0 && Math.floor(step / every) > Math.floor(this.state.envSteps / every)) {
      rows.push(await this.evaluate(step, next));
    }
    next.streams = { actions: this.actionRng.getState(), replay: this.replayRng.getState() };
    this.progress.emit('checkpoint', next);
    for (const row of rows) this.metrics.append(row);
    await writeCheckpoint(this.options.out, next, (dir) => agent.save(dir));
    this.state = next;
    if (rows.some((r) => r.kind === 'eval')) await writeReport(this.options.out);
  }

  /** `evalEpisodes` episodes with the noiseless policy (encoder and policy means). */
  private async evaluate(step: number, next: LoopState): Promise<MetricsRow> {
    const returns: number[] = [];
    for (let k = 0; k < this.config.evalEpisodes; k++) {
      this.progress.emit('eval', next);
      let ts = this.env.reset(splitSeed(this.config.seed, `eval-episode/${next.evaluations}/${k}`));
      let total = 0;
      let steps = 0;
      while (!ts.last) {
        await yieldToEventLoop();
        this.checkStop();
        const observation = { state: ts.observation.state };
        const { action } = await this.agent.policy(observation, null, { explore: false });
        ts = this.env.step(action);
        total += ts.reward;
        steps += 1;
        this.progress.emit('eval', next, steps, this.stepsPerEpisode);
      }
      returns.push(total);
    }
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    next.evaluations += 1;
    next.lastEvalReturn = mean;
    this.log(`eval ${next.evaluations} at ${step} env steps: return ${mean.toFixed(1)}`);
    return { step, kind: 'eval', episode: next.episodes, return: mean, episodes: returns.length };
  }

  /** Env steps of a full episode, for the progress display. */
  get stepsPerEpisode(): number {
    return this.config.episodeSteps ?? 1000;
  }
}
