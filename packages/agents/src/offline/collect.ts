/**
 * Collecting the offline protocol's dataset (paper section 4.3): episodes of several policies
 * written into one dataset directory of `@vmbrl/replay` — uniform random actions, the CEM
 * oracle on the true simulator, or the last checkpoint of any trained run — a given number of
 * episodes each. The dataset's manifest counts episodes per source, so an interrupted
 * collection resumes with what each source still owes (`DatasetWriter.remaining`), and episode
 * k of a source always plays from the same reset seed: a resumed collection writes the episodes
 * an uninterrupted one would have.
 */
import { join } from 'node:path';
import {
  type Agent,
  type PresetName,
  Rng,
  type SimulatorEnv,
  UsageError,
  splitSeed,
} from '@vmbrl/core';
import { makeWrappedEnv } from '@vmbrl/envs';
import { type DatasetEpisode, DatasetWriter } from '@vmbrl/replay';
import { type BackendName, initBackend } from '@vmbrl/tensor';
import { playEpisode } from '../loop/episodes.js';
import { locateCheckpoint } from '../loop/run-dir.js';
import { makeEnvAndAgent, readRunConfig, resolveRunConfig } from '../registry.js';

/** One policy the dataset takes episodes from. */
export type CollectSource =
  | { kind: 'random'; name: string; episodes: number }
  /** The CEM oracle of `vmbrl-online --agent cem-oracle` at `preset` (its planner sizes). */
  | { kind: 'oracle'; name: string; episodes: number; preset: PresetName }
  /** The last checkpoint of the run in `runDir`, with its training noise when `noise`. */
  | { kind: 'run'; name: string; episodes: number; runDir: string; noise: boolean };

/** Options of {@link collectDataset}. */
export interface CollectOptions {
  /** Dataset directory (created when missing, resumed when it exists). */
  dataset: string;
  task: string;
  /** Control steps per agent step (the study: 4 on every task). */
  actionRepeat: number;
  /** Agent steps per episode; null = the task's 1000 control steps / actionRepeat. */
  episodeSteps: number | null;
  /** Seed of the reset states and random actions (episode k of source s: `collect/s/k`). */
  seed: number;
  sources: readonly CollectSource[];
  /** Tensor backend of the agents that act (default: `initBackend`'s choice). */
  backend?: BackendName;
  /** Called after each episode written. */
  onEpisode?: (source: string, entry: DatasetEpisode) => void;
  /** Throws to stop between episodes (Ctrl-C); what was written stays. */
  checkStop?: () => void;
}

/** What {@link collectDataset} did. */
export interface CollectReport {
  /** Episodes written now, per source. */
  written: Record<string, number>;
  /** Episodes per source in the dataset afterwards. */
  counts: Record<string, number>;
}

/** The env and policy of one source (the caller closes and disposes them). */
async function openSource(
  source: CollectSource,
  options: CollectOptions,
): Promise<{ env: SimulatorEnv; agent: Agent<unknown, unknown> | null; explore: boolean }> {
  const { task, actionRepeat, episodeSteps, seed } = options;
  if (source.kind === 'random') {
    const env = await makeWrappedEnv({
      task,
      seed,
      actionRepeat,
      pixels: true,
      timeLimit: episodeSteps ?? undefined,
    });
    return { env, agent: null, explore: false };
  }
  if (source.kind === 'oracle') {
    const config = resolveRunConfig('cem-oracle', source.preset, task, seed, {
      actionRepeat,
      episodeSteps,
    });
    const { env, agent } = await makeEnvAndAgent(config);
    return { env, agent, explore: false };
  }
  const saved = readRunConfig(source.runDir);
  for (const [what, theirs, ours] of [
    ['task', saved.task, task],
    ['action repeat', saved.actionRepeat, actionRepeat],
  ] as const) {
    if (theirs !== ours) {
      throw new UsageError(
        `collect: the run ${source.runDir} acts with ${what} ${theirs}, the dataset holds ${what} ${ours}; a dataset holds one task at one action repeat`,
      );
    }
  }
  const checkpoint = locateCheckpoint(source.runDir); // read only: another run's directory
  if (!checkpoint) {
    throw new UsageError(`collect: the run ${source.runDir} has no checkpoint yet; train it first`);
  }
  const { env, agent } = await makeEnvAndAgent({ ...saved, seed, episodeSteps });
  try {
    await agent.load(join(checkpoint, 'agent'));
  } catch (error) {
    env.close();
    await agent.dispose();
    throw error;
  }
  return { env, agent, explore: source.noise };
}

/**
 * Writes the episodes each source still owes into `options.dataset` and returns the counts.
 * Source names must be unique; a dataset of another task or action repeat is refused.
 */
export async function collectDataset(options: CollectOptions): Promise<CollectReport> {
  const names = options.sources.map((s) => s.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) {
    throw new UsageError(`collect: source name '${repeated}' is given twice; names must differ`);
  }
  if (options.sources.some((s) => s.kind === 'run')) {
    await initBackend(options.backend ? { backend: options.backend } : {});
  }
  const writer = DatasetWriter.open(options.dataset, {
    task: options.task,
    actionRepeat: options.actionRepeat,
  });
  const written: Record<string, number> = {};
  try {
    const owed = writer.remaining(
      Object.fromEntries(options.sources.map((s) => [s.name, s.episodes])),
    );
    for (const source of options.sources) {
      written[source.name] = 0;
      if (owed[source.name] === 0) continue;
      const { env, agent, explore } = await openSource(source, options);
      try {
        while (writer.count(source.name) < source.episodes) {
          options.checkStop?.();
          const k = writer.count(source.name);
          const stream = `collect/${source.name}/${k}`;
          const played = await playEpisode({
            env,
            // The random source never consults the agent (mode 'random').
            agent: agent ?? randomOnly(env.actionSpec.shape[0] as number),
            mode: agent === null ? 'random' : explore ? 'explore' : 'eval',
            seed: splitSeed(options.seed, stream),
            actionRng: new Rng(splitSeed(options.seed, `${stream}/actions`)),
            checkStop: options.checkStop ?? (() => {}),
            actionRepeat: options.actionRepeat,
          });
          const entry = writer.append(played.episode, { source: source.name });
          written[source.name]++;
          options.onEpisode?.(source.name, entry);
        }
      } finally {
        env.close();
        await agent?.dispose();
      }
    }
    const counts = Object.fromEntries(names.map((n) => [n, writer.count(n)]));
    return { written, counts };
  } finally {
    writer.close();
  }
}

/** Stands in for an agent where `playEpisode` only draws random actions. */
const randomOnly = (actionDim: number): Agent<unknown, unknown> => ({
  actionDim,
  learns: false,
  needsSimulatorState: false,
  policy: () => {
    throw new Error('collect: the random source has no policy');
  },
  train: () => ({}),
  save: async () => {},
  load: async () => {},
  disposeState: () => {},
  dispose: async () => {},
});
