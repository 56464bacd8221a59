/**
 * @vmbrl/agents — PlaNet, Dreamer, the CEM oracle, ALM and the study's designs composed from the
 * vmbrl packages, each with one preset table, and the one run loop that runs any of them:
 * collect, train, evaluate, checkpoint, resume, report.
 */
export {
  AGENTS,
  AGENT_KINDS,
  type AgentKind,
  type RunConfig,
  type RunOnlineOptions,
  checkRunConfig,
  definitionOf,
  evaluateRun,
  makeEnvAndAgent,
  presetsOf,
  readRunConfig,
  resolveRunConfig,
  runOnline,
  upgradeRunConfig,
  validateRunConfig,
} from './registry.js';
export {
  BUDGET_FIELDS,
  LOOP_DOCS,
  type LoopConfig,
  agentStepsPerEpisode,
  configDifferences,
  episodeRows,
} from './loop/config.js';
export type {
  AgentDefinition,
  AgentPresets,
  BatchPlan,
  OpenLoopFrames,
  OpenLoopPrediction,
  OpenLoopRewards,
  PresetBody,
} from './loop/definition.js';
export { type RunLoopOptions, type RunLoopResult, runLoop } from './loop/run.js';
export {
  type Budget,
  type EtaInput,
  type IterationMark,
  type OnlinePhase,
  type OnlineProgress,
  estimateEta,
} from './loop/progress.js';
export { playEpisode, Interrupted, type EpisodeMode, type PlayedEpisode } from './loop/episodes.js';
export {
  type LoopState,
  episodeFileName,
  findCheckpoint,
  locateCheckpoint,
  readLoopState,
  readReplayEpisodes,
  runPaths,
} from './loop/run-dir.js';
export {
  RunDirectoryError,
  lockRunDirectory,
  prepareRunDirectory,
  type PrepareOptions,
} from './loop/run-start.js';
export { type DoctorReport, type RunProblem, doctorRun } from './loop/doctor.js';
export { DiskSpaceError, FREE_BYTES_ENV, MIN_FREE_BYTES } from './loop/disk-space.js';
export {
  type BestCheckpoint,
  CHECKPOINTS_DIR,
  episodeCheckpointName,
  exportCheckpointNpz,
  readBestCheckpoint,
  retainCheckpoint,
} from './loop/checkpoints.js';
export {
  EVALUATION_VIDEOS,
  VIDEO_FILES,
  evaluationVideoPath,
  writeEpisodeVideo,
  writeOpenLoopVideo,
  writeReport,
} from './loop/artifacts.js';
export type { EvaluateRunOptions, EvaluationPolicy, RunEvaluation } from './loop/evaluate.js';
export { addExplorationNoise } from './exploration.js';
export { PlanetAgent, type PlanetAgentOptions, type PlanetState } from './planet/agent.js';
export type { BeliefState } from './planet/belief.js';
export { LatentAgent, type LatentAgentOptions } from './planet/latent-agent.js';
export {
  ACTION_REPEAT,
  PLANET_PRESETS,
  type PlannerConfig,
  type PlanetPlannerConfig,
  type PlanetRunConfig,
} from './planet/config.js';
export { PLANET } from './planet/definition.js';
export { DreamerAgent, type DreamerAgentOptions, type DreamerState } from './dreamer/agent.js';
export {
  DREAMER_ACTION_REPEAT,
  dreamerActionRepeat,
  DREAMER_DEFAULTS,
  DREAMER_DOCS,
  DREAMER_PRESETS,
  type DreamerConfig,
  type DreamerRunConfig,
  type DreamerValueEstimate,
} from './dreamer/config.js';
export { DREAMER } from './dreamer/definition.js';
export { CemOracleAgent, type CemOracleOptions, type OracleState } from './oracle/agent.js';
export { ORACLE_PRESETS, type OracleRunConfig } from './oracle/config.js';
export { CEM_ORACLE } from './oracle/definition.js';
export { AlmAgent, type AlmAgentOptions, type AlmBatch } from './alm/agent.js';
export { ALM_PRESETS, type AlmAgentKind, type AlmRunConfig } from './alm/config.js';
export { ALM } from './alm/definition.js';
export { StudyAgent, type StudyAgentOptions, type StudyState } from './study/agent.js';
export {
  STUDY_ACTION_REPEAT,
  STUDY_AGENT_DESIGNS,
  STUDY_PLANNER,
  STUDY_PRESETS,
  studyPlanner,
  type LearnedStudyRunConfig,
  type OracleStudyRunConfig,
  type StudyAgentDesign,
  type StudyRunConfig,
} from './study/config.js';
export { STUDY } from './study/definition.js';
export * from './offline/index.js';
export * from './web/index.js';
export { type ExportWebOptions, exportWebRun } from './web/export.js';
