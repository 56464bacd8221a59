/**
 * CEM with the true simulator (PlaNet Table 1, last row): candidates are scored by copies of the
 * environment restored to the acting env's state, so the agent needs no model and never trains.
 */
import { join } from 'node:path';
import {
  type Agent,
  type AgentObservation,
  type PolicyOptions,
  Rng,
  type RngState,
  type SimulatorEnv,
  readJsonFile,
  writeFileAtomic,
} from '@vmbrl/core';
import { ParallelSimulatorScorer, SimulatorScorer, makeWrappedEnv } from '@vmbrl/envs';
import { cem } from '@vmbrl/planners';
import { addExplorationNoise } from '../exploration.js';
import type { PlannerConfig } from '../planet/config.js';

/** Options of {@link CemOracleAgent.create}. */
export interface CemOracleOptions {
  task: string;
  /** Control steps per planned action (the acting env's action repeat). */
  actionRepeat: number;
  seed: number;
  planner: PlannerConfig;
  /** Exploration noise std for training episodes (0 in the oracle's presets). */
  explorationNoise: number;
  /** Worker threads scoring candidates (0 = this thread). */
  workers: number;
}

/** The oracle's per-step state: none (the simulator state comes with each observation). */
export type OracleState = null;

/** CEM + true simulator. Create with {@link CemOracleAgent.create}; `dispose` stops workers. */
export class CemOracleAgent implements Agent<OracleState> {
  readonly learns = false;
  readonly needsSimulatorState = true;
  private readonly plannerRng: Rng;
  private readonly noiseRng: Rng;

  private constructor(
    private readonly options: CemOracleOptions,
    readonly actionDim: number,
    private readonly local: { scorer: SimulatorScorer; env: SimulatorEnv } | null,
    private readonly parallel: ParallelSimulatorScorer | null,
  ) {
    const rng = new Rng(options.seed);
    this.plannerRng = rng.split('planner');
    this.noiseRng = rng.split('exploration');
  }

  /** Builds the planning env(s): the task with the action repeat, no pixels, no noise. */
  static async create(options: CemOracleOptions): Promise<CemOracleAgent> {
    const config = { task: options.task, actionRepeat: options.actionRepeat };
    if (options.workers > 0) {
      const parallel = await ParallelSimulatorScorer.create(config, { workers: options.workers });
      return new CemOracleAgent(options, parallel.actionDim, null, parallel);
    }
    const env = await makeWrappedEnv(config);
    const scorer = new SimulatorScorer(env);
    return new CemOracleAgent(options, scorer.actionDim, { scorer, env }, null);
  }

  async policy(
    observation: AgentObservation,
    _state: OracleState | null,
    options: PolicyOptions,
  ): Promise<{ action: Float32Array; state: OracleState }> {
    const belief = observation.simulator;
    if (!belief) {
      throw new Error('CemOracleAgent.policy: the observation needs the simulator state');
    }
    const scorer = this.parallel ?? (this.local as { scorer: SimulatorScorer }).scorer;
    scorer.setBelief(belief);
    const { horizon, iterations, candidates, topK } = this.options.planner;
    const result = await cem(scorer, {
      horizon,
      iterations,
      candidates,
      topK,
      rng: this.plannerRng,
    });
    const action =
      options.explore && this.options.explorationNoise > 0
        ? addExplorationNoise(result.action, this.options.explorationNoise, () =>
            this.noiseRng.normal(),
          )
        : result.action;
    return { action, state: null };
  }

  disposeState(): void {}

  train(): Record<string, number> {
    return {};
  }

  async save(dir: string): Promise<void> {
    const streams = { planner: this.plannerRng.getState(), exploration: this.noiseRng.getState() };
    writeFileAtomic(
      join(dir, 'agent.json'),
      `${JSON.stringify({ kind: 'cem-oracle', streams })}\n`,
    );
  }

  async load(dir: string): Promise<void> {
    const saved = readJsonFile(join(dir, 'agent.json')) as {
      kind?: string;
      streams?: { planner: RngState; exploration: RngState };
    };
    if (saved.kind !== 'cem-oracle' || !saved.streams) {
      throw new Error(`CemOracleAgent.load: ${join(dir, 'agent.json')} is not a cem-oracle state`);
    }
    this.plannerRng.setState(saved.streams.planner);
    this.noiseRng.setState(saved.streams.exploration);
  }

  async dispose(): Promise<void> {
    this.local?.env.close();
    await this.parallel?.close();
  }
}
