/**
 * @vmbrl/agents — PlaNet and the CEM-oracle composed from the vmbrl packages, and the online
 * loop that runs them (PlaNet Algorithm 1): collect, train, evaluate, checkpoint, resume, report.
 */
export { addExplorationNoise } from './exploration.js';
export * from './config.js';
export { PlanetAgent, type PlanetAgentOptions, type PlanetState } from './planet-agent.js';
export { CemOracleAgent, type CemOracleOptions, type OracleState } from './cem-oracle-agent.js';
export { DreamerAgent, type DreamerAgentOptions, type DreamerState } from './dreamer-agent.js';
export * from './dreamer-config.js';
export { type BeliefState, filterBelief } from './belief-filter.js';
export { makeAgent, makeEnvAndAgent } from './make-agent.js';
export { runOnline, type RunOnlineOptions, type RunOnlineResult } from './online-loop.js';
export type { Budget, OnlinePhase, OnlineProgress } from './progress.js';
export { playEpisode, Interrupted, type EpisodeMode, type PlayedEpisode } from './episodes.js';
export {
  type LoopState,
  type SavedConfig,
  checkRunConfig,
  episodeFileName,
  findCheckpoint,
  readLoopState,
  runPaths,
} from './run-dir.js';
export { VIDEO_FILES, writeEpisodeVideo, writeOpenLoopVideo, writeReport } from './artifacts.js';
export { AlmAgent, type AlmAgentOptions } from './alm-agent.js';
export {
  ALM_BUDGET_FIELDS,
  ALM_RUN_PRESETS,
  type AlmAgentKind,
  type AlmRunConfig,
  type AlmRunOverrides,
  type AlmRunPresetName,
  resolveAlmRunConfig,
  validateAlmRunConfig,
} from './alm-run-config.js';
export { checkAlmRunConfig, runAlm, type RunAlmOptions } from './alm-loop.js';
export {
  type EvaluateRunOptions,
  type EvaluationPolicy,
  type RunEvaluation,
  evaluateRun,
  readRunConfig,
} from './evaluate-run.js';
