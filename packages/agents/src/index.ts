/**
 * @vmbrl/agents — PlaNet and the CEM-oracle composed from the vmbrl packages, and the online
 * loop that runs them (PlaNet Algorithm 1): collect, train, evaluate, checkpoint, resume, report.
 */
export { addExplorationNoise } from './exploration.js';
export * from './loop/config.js';
export { PlanetAgent, type PlanetAgentOptions, type PlanetState } from './planet/agent.js';
export { CemOracleAgent, type CemOracleOptions, type OracleState } from './oracle/agent.js';
export { DreamerAgent, type DreamerAgentOptions, type DreamerState } from './dreamer/agent.js';
export * from './dreamer/config.js';
export { type BeliefState, filterBelief } from './planet/belief.js';
export { makeAgent, makeEnvAndAgent } from './registry.js';
export { runOnline, type RunOnlineOptions, type RunOnlineResult } from './loop/run.js';
export type { Budget, OnlinePhase, OnlineProgress } from './loop/progress.js';
export { playEpisode, Interrupted, type EpisodeMode, type PlayedEpisode } from './loop/episodes.js';
export {
  type LoopState,
  type SavedConfig,
  checkRunConfig,
  episodeFileName,
  findCheckpoint,
  readLoopState,
  runPaths,
} from './loop/run-dir.js';
export {
  VIDEO_FILES,
  writeEpisodeVideo,
  writeOpenLoopVideo,
  writeReport,
} from './loop/artifacts.js';
export { AlmAgent, type AlmAgentOptions } from './alm/agent.js';
export {
  ALM_BUDGET_FIELDS,
  ALM_RUN_PRESETS,
  type AlmAgentKind,
  type AlmRunConfig,
  type AlmRunOverrides,
  type AlmRunPresetName,
  resolveAlmRunConfig,
  validateAlmRunConfig,
} from './alm/config.js';
export { checkAlmRunConfig, runAlm, type RunAlmOptions } from './loop/alm-loop.js';
export {
  type EvaluateRunOptions,
  type EvaluationPolicy,
  type RunEvaluation,
  evaluateRun,
  readRunConfig,
} from './loop/evaluate.js';
