import { existsSync } from 'node:fs';
import { join } from 'node:path';
/**
 * One cell of the offline tables for callers that run many (`apps/ablation`): train a design on
 * a dataset's train split into `runDir` (resuming what is there) and score it, unless the run
 * already holds an evaluation of its final checkpoint. The result is `runDir/evaluation.json`
 * (`OfflineEvaluation`, format `vmbrl-offline-evaluation/1`).
 */
import type { Overlay, PresetName } from '@vmbrl/core';
import type { BackendName } from '@vmbrl/tensor';
import type { AgentKind, RunConfig } from '../registry.js';
import type { OfflineSettings } from './config.js';
import { type OfflineEvaluation, evaluateOffline, readOfflineEvaluation } from './evaluate.js';
import { trainOffline } from './train.js';

/** What determines a cell. */
export interface OfflineCellConfig {
  /** A split dataset directory. */
  dataset: string;
  /** `study` (with `overrides.design`) or another agent kind. */
  agent: AgentKind;
  /** The agent's preset; also the offline settings' preset unless `settingsPreset`. */
  preset: PresetName;
  seed: number;
  /** Fields of the agent's run config, e.g. `{ design: 'OTOR' }`. */
  overrides?: Overlay<RunConfig>;
  settingsPreset?: PresetName;
  settings?: Overlay<OfflineSettings>;
}

/** Hooks of {@link offlineCell}. */
export interface OfflineCellHooks {
  backend?: BackendName;
  onUpdate?: (update: number, values: Record<string, number>) => void;
  onEpisode?: (index: number, episodeReturn: number) => void;
  checkStop?: () => void;
}

/** Trains (or resumes) and scores one cell; returns its evaluation. */
export async function offlineCell(
  config: OfflineCellConfig,
  runDir: string,
  hooks: OfflineCellHooks = {},
): Promise<OfflineEvaluation> {
  const run = await trainOffline({ ...config, out: runDir, ...hooks });
  if (existsSync(join(runDir, 'evaluation.json'))) {
    const done = readOfflineEvaluation(runDir);
    if (done.updates === run.record.settings.updates) return done;
  }
  return evaluateOffline({ out: runDir, ...hooks });
}
