/** The study's offline protocol: collect a dataset, train on its train split, score, tabulate. */
export {
  type CollectOptions,
  type CollectReport,
  type CollectSource,
  collectDataset,
} from './collect.js';
export {
  OFFLINE_DEFAULTS,
  OFFLINE_DOCS,
  OFFLINE_OVERLAYS,
  type OfflineSettings,
  resolveOfflineSettings,
} from './config.js';
export {
  type DatasetRecord,
  OFFLINE_RUN_FORMAT,
  type OfflineRun,
  type OfflineRunRecord,
  type TrainOfflineOptions,
  readOfflineRecord,
  readSplit,
  resolveOfflineRun,
  trainOffline,
} from './train.js';
export {
  EVALUATION_FILE,
  type EvaluateOfflineOptions,
  OFFLINE_EVALUATION_FORMAT,
  type OfflineEvaluation,
  REWARDS_FILE,
  designOf,
  evaluateOffline,
  offlineRowOf,
  readOfflineEvaluation,
  readRewardPairs,
} from './evaluate.js';
export {
  type PredictionErrors,
  type PredictionWindow,
  type WindowOptions,
  predictionErrors,
  predictionWindows,
} from './prediction.js';
export { type OfflineCellConfig, type OfflineCellHooks, offlineCell } from './cell.js';
export { type OfflineReport, type OfflineReportOptions, offlineReport } from './report.js';
