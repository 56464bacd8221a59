/**
 * A learned design of the study as an agent: its `StudyModel` trained on replayed sequences,
 * its belief updated from each observation, and the one CEM of Table 10 planning over its
 * scorer (H = 12, I = 10, J = 128, K = 12 in `paper`). Training episodes add PlaNet's Gaussian
 * planning noise (the study's "random planning noise", section 4.2).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Agent,
  type AgentObservation,
  type PolicyOptions,
  type PolicyResult,
  Rng,
  type RngState,
  type SequenceBatch,
  writeFileAtomic,
} from '@vmbrl/core';
import { cem } from '@vmbrl/planners';
import {
  type StudyConfigs,
  type StudyDesign,
  type StudyModel,
  createStudyModel,
} from '@vmbrl/world-models';
import { addExplorationNoise } from '../exploration.js';
import type { PlannerConfig } from '../planet/config.js';

/** Options of {@link StudyAgent}. */
export interface StudyAgentOptions<D extends StudyDesign = StudyDesign> {
  design: D;
  /** The design's resolved model config. */
  model: StudyConfigs[D];
  actionDim: number;
  /** Run seed: initialisation and every random stream derive from it. */
  seed: number;
  planner: PlannerConfig;
  /** Std of the Gaussian noise on planned actions in training episodes. */
  explorationNoise: number;
}

/** What the agent carries between steps: the design's belief and the action taken at it. */
export interface StudyState {
  belief: unknown;
  action: Float32Array;
}

/** A learned design of Table 4 planning with CEM. */
export class StudyAgent implements Agent<StudyState, SequenceBatch> {
  readonly learns = true;
  readonly needsSimulatorState = false;
  readonly actionDim: number;
  readonly model: StudyModel;
  private readonly plannerRng: Rng;
  private readonly noiseRng: Rng;

  constructor(private readonly options: StudyAgentOptions) {
    const rng = new Rng(options.seed);
    this.actionDim = options.actionDim;
    // The stream names of PlaNet's agent: LTLR at PlaNet's sizes starts from PlaNet's model.
    this.model = createStudyModel(options.design, options.model, {
      actionDim: options.actionDim,
      seed: rng.split('model').seed32(),
    });
    this.plannerRng = rng.split('planner');
    this.noiseRng = rng.split('exploration');
  }

  /**
   * Updates the belief with the new observation (its image, the reward that came with it and
   * the action that led to it; zeros at the reset, as row 0 of a replayed episode), plans with
   * CEM over the design's scorer, and adds exploration noise in training episodes.
   */
  async policy(
    observation: AgentObservation,
    state: StudyState | null,
    options: PolicyOptions,
  ): Promise<PolicyResult<StudyState>> {
    if (!(observation.image instanceof Uint8Array)) {
      throw new Error('StudyAgent.policy: the observation needs an image (64*64*3 uint8)');
    }
    const belief = this.model.observe(state?.belief ?? null, {
      image: observation.image,
      action: state?.action ?? new Float32Array(this.actionDim),
      reward: observation.reward ?? 0,
    });
    let planned: Float32Array;
    try {
      const { horizon, iterations, candidates, topK } = this.options.planner;
      const result = await cem(this.model.scorer(belief), {
        horizon,
        iterations,
        candidates,
        topK,
        rng: this.plannerRng,
      });
      planned = result.action;
    } catch (error) {
      this.model.disposeBelief(belief);
      throw error;
    }
    const noise = this.options.explorationNoise;
    const action =
      options.explore && noise > 0
        ? addExplorationNoise(planned, noise, () => this.noiseRng.normal())
        : planned;
    this.disposeState(state);
    return { action, state: { belief, action } };
  }

  disposeState(state: StudyState | null): void {
    if (state) this.model.disposeBelief(state.belief);
  }

  train(batch: SequenceBatch): Record<string, number> {
    return this.model.trainStep(batch);
  }

  async save(dir: string): Promise<void> {
    await this.model.save(join(dir, 'model'));
    const streams = { planner: this.plannerRng.getState(), exploration: this.noiseRng.getState() };
    const state = { kind: 'study', design: this.options.design, streams };
    writeFileAtomic(join(dir, 'agent.json'), `${JSON.stringify(state)}\n`);
  }

  async load(dir: string): Promise<void> {
    await this.model.load(join(dir, 'model'));
    const path = join(dir, 'agent.json');
    const saved = JSON.parse(readFileSync(path, 'utf8')) as {
      kind?: string;
      design?: string;
      streams?: { planner: RngState; exploration: RngState };
    };
    if (saved.kind !== 'study' || saved.design !== this.options.design || !saved.streams) {
      throw new Error(
        `StudyAgent.load: ${path} is not the state of a study agent with design ${this.options.design}`,
      );
    }
    this.plannerRng.setState(saved.streams.planner);
    this.noiseRng.setState(saved.streams.exploration);
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}
