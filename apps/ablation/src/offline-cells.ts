/**
 * The offline protocol's cells (paper section 4.3, Tables 1-2): a design trained on the train
 * split of its task's fixed dataset and scored, through `offlineCell` of @vmbrl/agents. The
 * study names one split dataset per task (`datasets`); a task without one, or whose directory
 * is not there yet, has its cells unavailable with the reason, so `plan` says what to make.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type AgentKind,
  type OfflineCellConfig,
  type OfflineSettings,
  type RunConfig,
  definitionOf,
  locateCheckpoint,
  readLoopState,
  resolveOfflineRun,
} from '@vmbrl/agents';
import type { Overlay, PresetName } from '@vmbrl/core';
import type { StudyFile } from './study-file.js';

/** What an offline cell needs from the plan: the design's config as planned for the task. */
export interface OfflineCellInput {
  agent: AgentKind;
  /** The design's fields (e.g. `{ design: 'OTOR' }`) and the study's settings as one overlay. */
  overrides: Record<string, unknown>;
  /** The run config the plan resolved and validated for this task (to see whether it learns). */
  resolved: RunConfig;
  task: string;
  seed: number;
  scale: number;
}

/** `{ 'planner.horizon': 12 }` as the nested overlay `{ planner: { horizon: 12 } }`. */
export function overlayOfPaths(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(values)) {
    const keys = path.split('.').map((k) => k.trim());
    let node = out;
    for (const key of keys.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1] as string] = structuredClone(value);
  }
  return out;
}

/**
 * The cell config of one offline cell, or why it cannot run. The dataset path is absolute so
 * the cell (and its id) do not depend on where a worker starts; `settings.updates` is scaled.
 */
export function offlineCellConfig(
  file: StudyFile,
  input: OfflineCellInput,
): { config: OfflineCellConfig } | { unavailable: string } {
  const { spec } = file;
  if (!definitionOf(input.resolved.agent).batches(input.resolved)) {
    return { unavailable: 'this design learns nothing; there is nothing to train offline' };
  }
  const given = spec.datasets[input.task];
  if (given === undefined) {
    return {
      unavailable: `no dataset for ${input.task}: add datasets.${input.task} (a split dataset: vmbrl-offline collect, then split)`,
    };
  }
  const dataset = resolve(given);
  if (!existsSync(dataset)) {
    return {
      unavailable: `dataset ${dataset} of ${input.task} is not there (vmbrl-offline collect, then split)`,
    };
  }
  const settings = { ...spec.offline_settings } as Overlay<OfflineSettings>;
  const config: OfflineCellConfig = {
    dataset,
    agent: input.agent,
    preset: spec.preset as PresetName,
    seed: input.seed,
    overrides: input.overrides as Overlay<RunConfig>,
    settings,
  };
  let resolved: ReturnType<typeof resolveOfflineRun>;
  try {
    resolved = resolveOfflineRun({ ...config, out: '' });
  } catch (error) {
    const message = (error as Error).message;
    const where = /offline settings/.test(message)
      ? ['offline_settings']
      : ['datasets', input.task];
    return file.fail(where, message);
  }
  if (resolved.record.dataset.task !== input.task) {
    file.fail(
      ['datasets', input.task],
      `${dataset} holds ${resolved.record.dataset.task} episodes, not ${input.task}`,
    );
  }
  if (input.scale !== 1) {
    const updates = Math.max(1, Math.round(resolved.record.settings.updates * input.scale));
    config.settings = { ...settings, updates };
  }
  return { config };
}

/**
 * An offline cell's cost in the online cells' unit (agent steps plus updates): its updates and
 * the agent steps of its evaluation episodes.
 */
export function offlineCost(config: OfflineCellConfig): number {
  const { config: run, record } = resolveOfflineRun({ ...config, out: '' });
  const s = record.settings;
  const stepsPerEpisode = s.evalEpisodeSteps ?? Math.ceil(1000 / run.actionRepeat);
  return s.updates + s.evalEpisodes * stepsPerEpisode;
}

/** Updates of the last checkpoint of an offline run directory (0 before the first). */
export function checkpointUpdates(runDir: string): number {
  const checkpoint = locateCheckpoint(runDir);
  return checkpoint ? readLoopState(checkpoint).updates : 0;
}

/** The updates an offline cell trains for. */
export function offlineBudget(config: OfflineCellConfig): number {
  return resolveOfflineRun({ ...config, out: '' }).record.settings.updates;
}
