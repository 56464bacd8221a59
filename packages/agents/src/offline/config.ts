/**
 * The offline protocol's own settings (paper section 4.3): how long a design trains on the fixed
 * dataset, and how it is scored — episodes in the real environment (the paper: 100, score = their
 * 90th percentile) and the prediction windows of the test split behind Table 2. The design's own
 * config (model, planner) is its agent's run config; these fields sit beside it.
 */
import {
  type FieldDocs,
  type Overlay,
  PRESET_NAMES,
  type PresetName,
  type Validator,
  applyOverlay,
  validator,
} from '@vmbrl/core';

/** How a design is trained and scored offline. */
export interface OfflineSettings {
  updates: number;
  checkpointEvery: number;
  evalEpisodes: number;
  evalEpisodeSteps: number | null;
  predictionContext: number;
  predictionHorizon: number;
  predictionStride: number;
  predictionWindows: number | null;
  predictionBatch: number;
}

/** One line per field (`vmbrl-offline train --help`). */
export const OFFLINE_DOCS: FieldDocs<OfflineSettings> = {
  updates: 'updates on batches of the train split in all (not given in the paper; our paper value)',
  checkpointEvery: 'updates between checkpoints (a killed run resumes from the last one)',
  evalEpisodes: 'episodes planned in the real environment; the score is their 90th percentile',
  evalEpisodeSteps: "agent steps per evaluation episode; null = the task's 1000 control steps",
  predictionContext: 'test-split rows a design observes before predicting a window',
  predictionHorizon: 'rows predicted open loop per window (the planning horizon, Table 10: 12)',
  predictionStride: 'rows between the starts of consecutive windows of a test episode',
  predictionWindows: 'at most this many windows over the test split, spread evenly (null = all)',
  predictionBatch: 'windows predicted per forward pass',
};

/** The paper's protocol (100 episodes, every window of the test split). */
export const OFFLINE_DEFAULTS: OfflineSettings = {
  updates: 100_000,
  checkpointEvery: 1000,
  evalEpisodes: 100,
  evalEpisodeSteps: null,
  predictionContext: 5,
  predictionHorizon: 12,
  predictionStride: 1,
  predictionWindows: null,
  predictionBatch: 16,
};

/** `quick`: an hour-scale instance on 2 cores; `debug`: seconds, for tests. */
export const OFFLINE_OVERLAYS: Readonly<Record<PresetName, Overlay<OfflineSettings>>> = {
  paper: {},
  quick: {
    updates: 300,
    checkpointEvery: 100,
    evalEpisodes: 5,
    evalEpisodeSteps: 50,
    predictionStride: 6,
    predictionWindows: 64,
    predictionBatch: 8,
  },
  debug: {
    updates: 4,
    checkpointEvery: 2,
    evalEpisodes: 2,
    evalEpisodeSteps: 6,
    predictionContext: 2,
    predictionHorizon: 3,
    predictionStride: 2,
    predictionWindows: 6,
    predictionBatch: 4,
  },
};

/** The settings of `preset` with `overrides`, validated. */
export function resolveOfflineSettings(
  preset: PresetName,
  overrides: Overlay<OfflineSettings> = {},
): OfflineSettings {
  const check = validator('offline settings');
  check.oneOf('preset', preset, PRESET_NAMES);
  const settings = applyOverlay(
    applyOverlay(OFFLINE_DEFAULTS, OFFLINE_OVERLAYS[preset]),
    overrides,
  );
  validateOfflineSettings(check, settings);
  return settings;
}

/** Checks every field; the error names the first bad one. */
export function validateOfflineSettings(check: Validator, s: OfflineSettings): void {
  check.integer('updates', s.updates, 1);
  check.integer('checkpointEvery', s.checkpointEvery, 1);
  check.integer('evalEpisodes', s.evalEpisodes, 1);
  check.integerOrNull('evalEpisodeSteps', s.evalEpisodeSteps, 1);
  check.integer('predictionContext', s.predictionContext, 1);
  check.integer('predictionHorizon', s.predictionHorizon, 1);
  check.integer('predictionStride', s.predictionStride, 1);
  check.integerOrNull('predictionWindows', s.predictionWindows, 1);
  check.integer('predictionBatch', s.predictionBatch, 1);
}
