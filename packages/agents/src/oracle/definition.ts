/** The CEM oracle (CEM on the true simulator) as the run loop and the command line see it. */
import type { AgentDefinition } from '../loop/definition.js';
import { planetActionRepeat } from '../planet/config.js';
import { CemOracleAgent } from './agent.js';
import { ORACLE_PRESETS, type OracleRunConfig, validateOracleRunConfig } from './config.js';

/** Fields of the oracle's old configs (it shared PlaNet's then) that it never used. */
const UNUSED = [
  'modelPreset',
  'model',
  'batchSize',
  'chunkLength',
  'maxFramesPerPass',
  'openLoopContext',
  'dreamer',
];

export const CEM_ORACLE: AgentDefinition<OracleRunConfig, never> = {
  summary: "CEM with the true simulator (PlaNet Table 1's upper bound); no learning",
  observation: 'image',
  presets: ORACLE_PRESETS,
  actionRepeat: planetActionRepeat,
  validate: validateOracleRunConfig,
  upgrade(saved) {
    const out = Object.fromEntries(Object.entries(saved).filter(([key]) => !UNUSED.includes(key)));
    // Before each agent had its own presets, the oracle's were one preset named after it.
    if (out.preset === 'cem-oracle') out.preset = 'paper';
    return out;
  },
  create: (config) =>
    CemOracleAgent.create({
      task: config.task,
      actionRepeat: config.actionRepeat,
      seed: config.seed,
      planner: config.planner,
      explorationNoise: config.explorationNoise,
      workers: config.oracleWorkers,
    }),
  batches: () => null,
  trainingEpisodeIsEvaluation: (config) => config.explorationNoise === 0,
  lossKeys: [],
};
