/**
 * PlaNet (Hafner et al. 2019): a latent world model trained on replayed sequences, and CEM in
 * its latent space. The belief is filtered online, one step at a time from the last action and
 * the new image, never by re-running the whole episode.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Agent,
  type AgentObservation,
  type PolicyOptions,
  Rng,
  type RngState,
  type SequenceBatch,
  writeFileAtomic,
} from '@vmbrl/core';
import { cem } from '@vmbrl/planners';
import {
  type LatentState,
  LatentWorldModel,
  disposeState,
  latentSequenceScorer,
} from '@vmbrl/world-models';
import type { OnlineConfig, PlannerConfig } from '../loop/config.js';
import { BeliefActing } from './belief.js';

/** PlaNet's recurrent state: the filtered posterior and the action that follows it. */
export interface PlanetState {
  /** q(s_t | h_t, e_t) after the latest image, [1, ...]. */
  belief: LatentState;
  /** The action taken at that belief (it leads into the next observation). */
  action: Float32Array;
}

/** Options of {@link PlanetAgent}. */
export interface PlanetAgentOptions {
  actionDim: number;
  /** Run seed: model initialisation and every random stream derive from it. */
  seed: number;
  /** The resolved world-model config (from `OnlineConfig.model`). */
  model: OnlineConfig['model'];
  planner: PlannerConfig;
  /** Exploration noise std (PlaNet: 0.3). */
  explorationNoise: number;
  /** Largest B*L per forward/backward pass. */
  maxFramesPerPass?: number;
}

/** PlaNet: RSSM world model + CEM planning in latent space. */
export class PlanetAgent implements Agent<PlanetState> {
  readonly model: LatentWorldModel;
  readonly actionDim: number;
  readonly learns = true;
  readonly needsSimulatorState = false;
  private readonly plannerRng: Rng;
  private readonly acting: BeliefActing;

  constructor(private readonly options: PlanetAgentOptions) {
    const rng = new Rng(options.seed);
    this.actionDim = options.actionDim;
    this.model = new LatentWorldModel(options.model, {
      actionDim: options.actionDim,
      seed: rng.split('model').seed32(),
      maxFramesPerPass: options.maxFramesPerPass,
    });
    this.plannerRng = rng.split('planner');
    this.acting = new BeliefActing(this.model, rng, options.explorationNoise);
  }

  /**
   * Filters one step (PlaNet eq. 4 with the posterior): h_t from (h, s, a)_{t-1}, then
   * q(s_t | h_t, e_t). At the episode start the previous state is the model's zero state and the
   * action is zero, exactly as training sees row 0 of an episode.
   */
  filter(image: Uint8Array, previous: PlanetState | null): LatentState {
    return this.acting.filter(image, previous);
  }

  async policy(
    observation: AgentObservation,
    state: PlanetState | null,
    options: PolicyOptions,
  ): Promise<{ action: Float32Array; state: PlanetState }> {
    const belief = this.filter(this.acting.image(observation, 'PlanetAgent'), state);
    const { horizon, iterations, candidates, topK } = this.options.planner;
    let planned: Float32Array;
    try {
      const result = await cem(latentSequenceScorer(this.model, belief), {
        horizon,
        iterations,
        candidates,
        topK,
        rng: this.plannerRng,
      });
      planned = result.action;
    } catch (error) {
      disposeState(belief);
      throw error;
    }
    const action = this.acting.explore(planned, options.explore);
    this.disposeState(state);
    return { action, state: { belief, action } };
  }

  disposeState(state: PlanetState | null): void {
    if (state) disposeState(state.belief);
  }

  train(batch: SequenceBatch): Record<string, number> {
    return this.model.trainStep(batch);
  }

  async save(dir: string): Promise<void> {
    await this.model.save(join(dir, 'model'));
    const streams = {
      planner: this.plannerRng.getState(),
      exploration: this.acting.noiseRng.getState(),
    };
    writeFileAtomic(join(dir, 'agent.json'), `${JSON.stringify({ kind: 'planet', streams })}\n`);
  }

  async load(dir: string): Promise<void> {
    await this.model.load(join(dir, 'model'));
    const saved = JSON.parse(readFileSync(join(dir, 'agent.json'), 'utf8')) as {
      kind?: string;
      streams?: { planner: RngState; exploration: RngState };
    };
    if (saved.kind !== 'planet' || !saved.streams) {
      throw new Error(`PlanetAgent.load: ${join(dir, 'agent.json')} is not a PlaNet agent state`);
    }
    this.plannerRng.setState(saved.streams.planner);
    this.acting.noiseRng.setState(saved.streams.exploration);
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}
