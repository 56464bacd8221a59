/**
 * Evaluating a trained run after the fact: load its last checkpoint and play N noiseless
 * episodes (or N uniform-random-action episodes at the run's action repeat, the baseline the
 * learning curve is judged against), on reset seeds no training or evaluation episode used.
 * The run directory is only read, never written (its trainer may be running: issue 15); the
 * summary goes where the caller asks.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Rng, splitSeed, validator, writeFileAtomic } from '@vmbrl/core';
import { meanStd } from '@vmbrl/metrics';
import { type BackendName, initBackend } from '@vmbrl/tensor';
import type { LoopConfig } from './config.js';
import type { AgentDefinition } from './definition.js';
import { makeEnvAndAgent } from './env-agent.js';
import { playEpisode } from './episodes.js';
import { type LoopState, locateCheckpoint, readLoopState } from './run-dir.js';

/**
 * Who acts in {@link evaluateRun}: the checkpointed agent without noise (`agent`) or with the
 * run's exploration noise as in its training episodes (`agent-noise`), or uniform random actions.
 */
export type EvaluationPolicy = 'agent' | 'agent-noise' | 'random';

/** Options of {@link evaluateRun}. */
export interface EvaluateRunOptions {
  /** A run directory of `vmbrl-online` (any agent). */
  out: string;
  /** Episodes to play (>= 1). */
  episodes: number;
  policy: EvaluationPolicy;
  /** Tensor backend (default: `initBackend`'s choice). */
  backend?: BackendName;
  /** Called after each episode with its index and return. */
  onEpisode?: (index: number, episodeReturn: number) => void;
  /** Where to write the summary as JSON (outside the run directory); none when absent. */
  summaryPath?: string;
}

/** What {@link evaluateRun} measured; also written to `summaryPath` when given. */
export interface RunEvaluation {
  policy: EvaluationPolicy;
  task: string;
  actionRepeat: number;
  /** Training counters of the checkpoint that acted (null for the random policy). */
  checkpoint: { episodes: number; envSteps: number; updates: number } | null;
  returns: number[];
  mean: number;
  /** Sample standard deviation (0 for one episode). */
  std: number;
  /** Where the summary was written (null: nowhere). */
  path: string | null;
}

/**
 * Plays `episodes` evaluation episodes of the run in `out`, whose config (read from it) is
 * `config` and whose agent is `definition`, and writes their summary.
 */
export async function evaluateCheckpoint<C extends LoopConfig>(
  options: EvaluateRunOptions,
  config: C,
  definition: AgentDefinition<C, unknown>,
): Promise<RunEvaluation> {
  const { out, episodes, policy } = options;
  validator('evaluateRun').integer('episodes', episodes, 1);
  const summaryPath = options.summaryPath ?? null;
  if (summaryPath !== null && !relative(resolve(out), resolve(summaryPath)).startsWith('..')) {
    throw new Error(
      `the summary ${summaryPath} would be written inside the run directory ${out}, which evaluate only reads; choose a path outside it`,
    );
  }
  const acts = policy !== 'random';
  if (acts && !locateCheckpoint(out)) {
    throw new Error(`${out} has no checkpoint yet; train it first (or use the random policy)`);
  }
  await initBackend(options.backend ? { backend: options.backend } : {});
  const { env, agent } = await makeEnvAndAgent(config, definition);
  try {
    let counters: RunEvaluation['checkpoint'] = null;
    if (acts) {
      const {
        episodes: e,
        envSteps,
        updates,
      } = await loadLiveCheckpoint(out, (dir) => agent.load(dir));
      counters = { episodes: e, envSteps, updates };
    }
    // Reset seeds of their own: training uses train-episode/k, evaluations eval-episode/n/k.
    const actionRng = new Rng(splitSeed(config.seed, 'final-eval-actions'));
    const returns: number[] = [];
    for (let k = 0; k < episodes; k++) {
      const played = await playEpisode({
        env,
        agent,
        mode: policy === 'agent' ? 'eval' : policy === 'agent-noise' ? 'explore' : 'random',
        seed: splitSeed(config.seed, `final-eval/${k}`),
        actionRng,
        checkStop: () => {},
        actionRepeat: config.actionRepeat,
        envSteps: counters?.envSteps ?? 0,
      });
      returns.push(played.return);
      options.onEpisode?.(k, played.return);
    }
    const { mean, std } = meanStd(returns);
    const result: RunEvaluation = {
      policy,
      task: config.task,
      actionRepeat: config.actionRepeat,
      checkpoint: counters,
      returns,
      mean,
      std,
      path: summaryPath,
    };
    if (summaryPath !== null) writeFileAtomic(summaryPath, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    env.close();
    await agent.dispose();
  }
}

/**
 * Loads the checkpoint of `out` through `load(agentDir)` without changing the directory, while
 * its trainer may be swapping checkpoints: a load during which the checkpoint changed (a new
 * one landed, or the old one was removed mid-read) is done again; an error of a checkpoint that
 * stayed the same is a real one and is thrown.
 */
async function loadLiveCheckpoint(
  out: string,
  load: (agentDir: string) => Promise<void>,
): Promise<LoopState> {
  const attempts = 20;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const dir = locateCheckpoint(out);
    if (dir === null) throw new Error(`${out} has no checkpoint any more`);
    const before = identity(dir);
    if (before === null) continue; // swapped out between the two looks: look again
    try {
      await load(join(dir, 'agent'));
      const state = readLoopState(dir);
      if (identity(dir) === before) return state;
    } catch (error) {
      if (identity(dir) === before) throw error;
    }
    await new Promise((done) => setTimeout(done, 20 * attempt));
  }
  throw new Error(`${out}: the checkpoint changed during ${attempts} loads in a row`);
}

/**
 * The directory's inode and its state file's text (null when gone): they change when a new
 * checkpoint lands.
 */
function identity(dir: string): string | null {
  try {
    return `${statSync(dir).ino}:${readFileSync(join(dir, 'state.json'), 'utf8')}`;
  } catch {
    return null;
  }
}
