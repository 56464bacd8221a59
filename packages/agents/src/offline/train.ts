/**
 * Training a design on the fixed dataset (paper section 4.3): only the train split is replayed,
 * nothing is collected. The run directory is the online one's layout — `config.json` (the
 * agent's run config, so `vmbrl-online evaluate` reads it too), `metrics.jsonl` (one row per
 * update), `checkpoint/` (weights, optimiser, random streams, swapped in whole) — plus
 * `offline.json`, the dataset it trains on and the offline settings. A killed run resumes from
 * its last checkpoint and continues as if never stopped; more `updates` extend a finished one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type Overlay,
  type PresetName,
  Rng,
  UsageError,
  splitSeed,
  writeFileAtomic,
} from '@vmbrl/core';
import type { Episode } from '@vmbrl/core';
import { MetricsLog } from '@vmbrl/metrics';
import {
  type DatasetManifest,
  EpisodeBuffer,
  type SplitName,
  type SplitRecord,
  episodesOf,
  readDatasetManifest,
  readListedEpisode,
} from '@vmbrl/replay';
import { type BackendName, initBackend } from '@vmbrl/tensor';
import type { BatchPlan } from '../loop/definition.js';
import {
  type LoopState,
  findCheckpoint,
  readLoopState,
  runPaths,
  writeCheckpoint,
  writeRunConfig,
} from '../loop/run-dir.js';
import { lockRunDirectory } from '../loop/run-start.js';
import {
  type AgentKind,
  type RunConfig,
  checkRunConfig,
  definitionOf,
  makeEnvAndAgent,
  resolveRunConfig,
} from '../registry.js';
import { type OfflineSettings, resolveOfflineSettings } from './config.js';

const OFFLINE_FILE = 'offline.json';
export const OFFLINE_RUN_FORMAT = 'vmbrl-offline-run/1';

/** The dataset a run trains on, as recorded in `offline.json`. */
export interface DatasetRecord {
  /** Absolute path of the dataset directory. */
  path: string;
  task: string;
  actionRepeat: number;
  split: SplitRecord;
  /** sha256 over the train split's file hashes: the run refuses a changed train split. */
  trainFingerprint: string;
}

/** `offline.json`: what, beyond config.json, determines an offline run. */
export interface OfflineRunRecord {
  format: typeof OFFLINE_RUN_FORMAT;
  dataset: DatasetRecord;
  settings: OfflineSettings;
}

/** Options of {@link trainOffline}. */
export interface TrainOfflineOptions {
  /** Run directory (created, or resumed). */
  out: string;
  /** Dataset directory; it must be split (`vmbrl-dataset split` or `optimism`). */
  dataset: string;
  /** Which agent: `study` for the study's designs (with `overrides.design`), or any kind. */
  agent: AgentKind;
  /** The agent's preset (its model and planner sizes). */
  preset: PresetName;
  seed: number;
  /** Fields of the agent's config (e.g. `{ design: 'LTLR' }`); task and action repeat come from the dataset. */
  overrides?: Overlay<RunConfig>;
  /** The offline settings' preset (default: the agent's preset) and overrides. */
  settingsPreset?: PresetName;
  settings?: Overlay<OfflineSettings>;
  backend?: BackendName;
  /** Called after every update with its number and logged values. */
  onUpdate?: (update: number, values: Record<string, number>) => void;
  /** Throws to stop (Ctrl-C); the run resumes from its last checkpoint. */
  checkStop?: () => void;
}

/** What a run directory holds: its config, offline record and checkpoint's update count. */
export interface OfflineRun {
  out: string;
  config: RunConfig;
  record: OfflineRunRecord;
}

/** The dataset's manifest and its split's episodes (refuses an unsplit dataset). */
export function readSplit(
  dir: string,
  split: SplitName,
): { manifest: DatasetManifest; episodes: Episode[] } {
  const manifest = readDatasetManifest(dir);
  const entries = episodesOf(dir, manifest, split);
  return { manifest, episodes: entries.map((e) => readListedEpisode(dir, e)) };
}

function datasetRecord(dir: string, manifest: DatasetManifest): DatasetRecord {
  if (!manifest.split) {
    throw new UsageError(
      `${dir}: has no train/test split; make one with \`vmbrl-dataset split\` or \`vmbrl-dataset optimism\``,
    );
  }
  const hashes = episodesOf(dir, manifest, 'train').map((e) => e.sha256);
  return {
    path: resolve(dir),
    task: manifest.task,
    actionRepeat: manifest.actionRepeat,
    split: manifest.split,
    trainFingerprint: createHash('sha256').update(hashes.join('\n')).digest('hex'),
  };
}

/** Reads `offline.json` of a run; null when `out` holds none. */
export function readOfflineRecord(out: string): OfflineRunRecord | null {
  const path = join(out, OFFLINE_FILE);
  if (!existsSync(path)) return null;
  const record = JSON.parse(readFileSync(path, 'utf8')) as OfflineRunRecord;
  if (record.format !== OFFLINE_RUN_FORMAT) {
    throw new Error(`${path}: format is ${record.format}; expected ${OFFLINE_RUN_FORMAT}`);
  }
  return record;
}

/** The run config an offline run of these options uses, and its dataset record. */
export function resolveOfflineRun(options: TrainOfflineOptions): {
  config: RunConfig;
  record: OfflineRunRecord;
} {
  const manifest = readDatasetManifest(options.dataset);
  const dataset = datasetRecord(options.dataset, manifest);
  const settings = resolveOfflineSettings(
    options.settingsPreset ?? options.preset,
    options.settings,
  );
  const config = resolveRunConfig(options.agent, options.preset, manifest.task, options.seed, {
    ...(options.overrides ?? {}),
    actionRepeat: manifest.actionRepeat,
    episodeSteps: settings.evalEpisodeSteps,
  } as Overlay<RunConfig>);
  return { config, record: { format: OFFLINE_RUN_FORMAT, dataset, settings } };
}

/** Refuses a run directory trained on another dataset or with other settings (updates aside). */
function checkRecord(out: string, saved: OfflineRunRecord, wanted: OfflineRunRecord): void {
  const differences: string[] = [];
  if (saved.dataset.trainFingerprint !== wanted.dataset.trainFingerprint) {
    differences.push(`train split of ${saved.dataset.path} -> ${wanted.dataset.path}`);
  }
  for (const [key, value] of Object.entries(wanted.settings)) {
    if (key === 'updates') continue;
    const before = saved.settings[key as keyof OfflineSettings];
    if (before !== value) differences.push(`${key} ${before} -> ${value}`);
  }
  if (differences.length > 0) {
    throw new UsageError(
      `${out} holds an offline run with another dataset or settings (${differences.join('; ')}); use another --out`,
    );
  }
}

/**
 * Trains (or resumes) the agent of `options` on the train split of `options.dataset` up to
 * `settings.updates` updates, checkpointing every `checkpointEvery`. Returns the run.
 */
export async function trainOffline(options: TrainOfflineOptions): Promise<OfflineRun> {
  const { out } = options;
  const { config, record } = resolveOfflineRun(options);
  const definition = definitionOf(config.agent);
  const plan = definition.batches(config);
  if (!plan) {
    throw new UsageError(`${config.agent} does not learn; there is nothing to train offline`);
  }
  // The lease first: nothing is checked for writing or written before this process owns `out`.
  let lost: Error | null = null;
  const lease = lockRunDirectory(out, 'offline training run', () => {
    lost = new Error(`lost the lock on ${out} to another process; the last checkpoint stands`);
  });
  try {
    return await trainLeased(options, config, record, plan, () => {
      if (lost) throw lost;
      options.checkStop?.();
    });
  } finally {
    lease.release();
  }
}

/** {@link trainOffline} once the run directory's lease is held. */
async function trainLeased(
  options: TrainOfflineOptions,
  config: RunConfig,
  record: OfflineRunRecord,
  plan: BatchPlan<unknown>,
  checkStop: () => void,
): Promise<OfflineRun> {
  const { out } = options;
  checkRunConfig(out, config);
  const saved = readOfflineRecord(out);
  if (saved) checkRecord(out, saved, record);
  const backend = await initBackend(options.backend ? { backend: options.backend } : {});
  writeRunConfig(out, config, backend);
  writeFileAtomic(join(out, OFFLINE_FILE), `${JSON.stringify(record, null, 2)}\n`);

  // The train split in memory, in manifest order.
  const { episodes } = readSplit(options.dataset, 'train');
  const usable = episodes.filter((e) => e.length >= plan.rows);
  if (usable.length === 0) {
    throw new UsageError(
      `${options.dataset}: no train episode has the ${plan.rows} rows a batch of ${config.agent} needs`,
    );
  }
  const replay = new EpisodeBuffer({
    capacitySteps: usable.reduce((sum, e) => sum + e.length, 0),
  });
  for (const e of usable) replay.add(e);

  const { env, agent } = await makeEnvAndAgent(config);
  const metrics = MetricsLog.open(runPaths(out).metrics);
  try {
    const replayRng = new Rng(splitSeed(config.seed, 'offline-replay'));
    let updates = 0;
    const checkpoint = findCheckpoint(out);
    if (checkpoint) {
      await agent.load(join(checkpoint, 'agent'));
      const state = readLoopState(checkpoint);
      updates = state.updates;
      replayRng.setState(state.streams.replay);
    }
    // Rows logged after the checkpoint belong to updates that will be done again.
    metrics.truncateAfter(updates);
    const target = record.settings.updates;
    const save = async () => {
      const state: LoopState = {
        episodes: 0,
        envSteps: 0,
        updates,
        evaluations: 0,
        lastEvalReturn: null,
        streams: { actions: replayRng.getState(), replay: replayRng.getState() },
        replayFiles: [],
      };
      await writeCheckpoint(out, state, (dir) => agent.save(dir));
    };
    while (updates < target) {
      checkStop();
      const values = agent.train(plan.sample(replay, replayRng), { envStep: 0 });
      updates++;
      metrics.append({ step: updates, kind: 'train', ...values });
      options.onUpdate?.(updates, values);
      if (updates % record.settings.checkpointEvery === 0 || updates === target) await save();
      // Let a Ctrl-C handler run between updates.
      await new Promise((r) => setImmediate(r));
    }
    return { out, config, record };
  } finally {
    env.close();
    await agent.dispose();
  }
}
