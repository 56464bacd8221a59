import { type Episode, type SimulatorEnv, splitSeed } from '@vmbrl/core';
/**
 * ALM's online loop (Ghugare et al. 2023, Algorithm 1) as a resumable run: every env step the
 * agent acts (uniform random actions during the warm-up), the transition is recorded, and once
 * the warm-up is over `updatesPerStep` updates follow. PlaNet's loop (`runOnline`) alternates
 * whole training phases and whole episodes, so ALM gets this per-step variant; it shares the run
 * directory, checkpoints, metrics, report and resume machinery. A checkpoint follows every
 * training episode, so a resumed run repeats the unfinished episode (with its updates) exactly.
 */
import { makeWrappedEnv } from '@vmbrl/envs';
import type { MetricsRow } from '@vmbrl/metrics';
import { EpisodeBuilder } from '@vmbrl/replay';
import { initBackend } from '@vmbrl/tensor';
import { AlmAgent } from '../alm/agent.js';
import { type AlmRunConfig, validateAlmRunConfig } from '../alm/config.js';
import { ResumableRun, budgetReached } from './driver.js';
import { type LoopState, checkSavedConfig, saveEpisode, writeRunConfig } from './run-dir.js';
import { type RunOnlineOptions, type RunOnlineResult, yieldToEventLoop } from './run.js';

/** Options of {@link runAlm}: those of `runOnline`, with an ALM run config. */
export type RunAlmOptions = Omit<RunOnlineOptions, 'config'> & { config: AlmRunConfig };

/**
 * Refuses an existing run directory whose config.json differs (budgets aside) unless `force`;
 * returns true when `out` already holds a run. Writes nothing.
 */
export function checkAlmRunConfig(out: string, config: AlmRunConfig, force = false): boolean {
  return checkSavedConfig(out, config, force, (saved) => {
    validateAlmRunConfig(saved);
    return saved;
  });
}

/** Runs (or resumes) an online ALM run in `options.out`. */
export async function runAlm(options: RunAlmOptions): Promise<RunOnlineResult> {
  const { config, out } = options;
  validateAlmRunConfig(config);
  const backend = await initBackend(options.backend ? { backend: options.backend } : {});
  checkAlmRunConfig(out, config, options.forceConfig ?? false);
  writeRunConfig(out, config, backend);
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
class AlmRun extends ResumableRun {
  private readonly config: AlmRunConfig;
  /** Longest stored episode in rows: updates wait for one of at least K + 1 rows. */
  private longestEpisode = 0;

  constructor(
    options: RunAlmOptions,
    private readonly env: SimulatorEnv,
    private readonly agent: AlmAgent,
  ) {
    super(options, options.config, options.config.learner.replayCapacity, agent);
    this.config = options.config;
  }

  protected override addRestoredEpisode(episode: Episode): void {
    super.addRestoredEpisode(episode);
    this.longestEpisode = Math.max(this.longestEpisode, episode.length);
  }

  /** One training episode with its per-step updates, then evaluation if due and a checkpoint. */
  protected async work(): Promise<void> {
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
    await this.commit(next, rows);
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
    return this.evalRow(step, next, returns);
  }

  /** Env steps of a full episode, for the progress display. */
  get stepsPerEpisode(): number {
    return this.config.episodeSteps ?? 1000;
  }
}
