/**
 * Evaluating a trained run after the fact: load its last checkpoint and play N noiseless
 * episodes (or N uniform-random-action episodes at the run's action repeat, the baseline the
 * learning curve is judged against), on reset seeds no training or evaluation episode used.
 * The run directory is only read, apart from the summary file written at the end.
 */
import { join } from 'node:path';
import { Rng, splitSeed, validator, writeFileAtomic } from '@vmbrl/core';
import { meanStd } from '@vmbrl/metrics';
import { type BackendName, initBackend } from '@vmbrl/tensor';
import type { LoopConfig } from './config.js';
import type { AgentDefinition } from './definition.js';
import { playEpisode } from './episodes.js';
import { findCheckpoint, readLoopState } from './run-dir.js';
import { makeEnvAndAgent } from './run.js';

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
}

/** What {@link evaluateRun} measured; also written to `<out>/evaluation-<policy>.json`. */
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
  /** Where the summary was written. */
  path: string;
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
  const acts = policy !== 'random';
  const checkpoint = acts ? findCheckpoint(out) : null;
  if (acts && !checkpoint) {
    throw new Error(`${out} has no checkpoint yet; train it first (or use the random policy)`);
  }
  await initBackend(options.backend ? { backend: options.backend } : {});
  const { env, agent } = await makeEnvAndAgent(config, definition);
  try {
    let counters: RunEvaluation['checkpoint'] = null;
    if (checkpoint) {
      await agent.load(join(checkpoint, 'agent'));
      const { episodes: e, envSteps, updates } = readLoopState(checkpoint);
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
    const path = join(out, `evaluation-${policy}.json`);
    const result: RunEvaluation = {
      policy,
      task: config.task,
      actionRepeat: config.actionRepeat,
      checkpoint: counters,
      returns,
      mean,
      std,
      path,
    };
    writeFileAtomic(path, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    env.close();
    await agent.dispose();
  }
}
