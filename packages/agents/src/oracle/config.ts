/**
 * The CEM oracle's run config: PlaNet's planner on the true simulator (PlaNet Table 1, last row),
 * with no learning; every episode is an evaluation when it does not explore.
 */
import { type FieldDocs, type Validator, checkAtMost, thisMachine } from '@vmbrl/core';
import { LOOP_DOCS, type LoopConfig } from '../loop/config.js';
import type { AgentPresets } from '../loop/definition.js';
import {
  PLANNER_DOCS,
  PLANNER_PRESETS,
  type PlannerConfig,
  validatePlanner,
} from '../planet/config.js';

/** Everything that determines a CEM-oracle run. */
export interface OracleRunConfig extends LoopConfig {
  agent: 'cem-oracle';
  explorationNoise: number;
  oracleWorkers: number;
  planner: PlannerConfig;
}

const ORACLE_DOCS: FieldDocs<Pick<OracleRunConfig, 'explorationNoise' | 'oracleWorkers'>> = {
  explorationNoise:
    'std of the Gaussian noise added to planned actions (0: episodes are evaluations)',
  oracleWorkers: 'worker threads scoring candidates on the simulator (0 = plan in this thread)',
};

/** The oracle's preset table: PlaNet's planner per preset, five noiseless episodes in `paper`. */
export const ORACLE_PRESETS: AgentPresets<OracleRunConfig> = {
  defaults: {
    episodeSteps: null,
    seedEpisodes: 0,
    warmupSteps: 0,
    updatesPerEpisode: 0,
    pretrainUpdates: 0,
    updatesPerStep: 0,
    evalEvery: 1,
    evalEveryEnvSteps: 0,
    evalEpisodes: 1,
    maxEpisodes: 5,
    maxEnvSteps: null,
    replayCapacity: 1_000_000,
    explorationNoise: 0,
    oracleWorkers: 2,
    planner: PLANNER_PRESETS.paper,
  },
  overlays: {
    paper: {},
    quick: { planner: PLANNER_PRESETS.quick },
    debug: { episodeSteps: 10, maxEpisodes: 2, oracleWorkers: 0, planner: PLANNER_PRESETS.debug },
  },
  docs: { ...LOOP_DOCS, ...ORACLE_DOCS, planner: PLANNER_DOCS },
};

/** Checks the oracle's own fields. */
export function validateOracleRunConfig(check: Validator, config: OracleRunConfig): void {
  check.number('explorationNoise', config.explorationNoise, { min: 0 });
  check.integer('oracleWorkers', config.oracleWorkers, 0);
  // Each worker is a thread with its own simulator: beyond the cores they only queue (and a
  // thousand of them exhausted the memory of a 23 GB machine).
  const { cores } = thisMachine();
  const why = `twice this machine's ${cores} cores; each worker is a thread with its own simulator`;
  checkAtMost(check, 'oracleWorkers', config.oracleWorkers, 2 * cores, why);
  validatePlanner(check, config.planner);
}
