/**
 * PlaNet (Hafner et al. 2019): a latent world model trained on replayed sequences, and CEM in
 * its latent space. The belief is filtered online, one step at a time from the last action and
 * the new image, never by re-running the whole episode.
 */
import { Rng, type RngState, type SequenceBatch } from '@vmbrl/core';
import { type CemResult, cem } from '@vmbrl/planners';
import { type LatentState, latentSequenceScorer } from '@vmbrl/world-models';
import type { BeliefState } from './belief.js';
import type { PlanetPlannerConfig } from './config.js';
import { LatentAgent, type LatentAgentOptions } from './latent-agent.js';

/** PlaNet's recurrent state: the filtered posterior and the action that follows it. */
export type PlanetState = BeliefState;

/** Options of {@link PlanetAgent}. */
export interface PlanetAgentOptions extends LatentAgentOptions {
  planner: PlanetPlannerConfig;
}

/** PlaNet: RSSM world model + CEM planning in latent space. */
export class PlanetAgent extends LatentAgent {
  private readonly plannerRng: Rng;
  /** The last plan CEM chose (its mean and std over the horizon); null before the first step. */
  lastPlan: CemResult | null = null;

  constructor(private readonly options: PlanetAgentOptions) {
    const rng = new Rng(options.seed);
    super('planet', options, rng);
    this.plannerRng = rng.split('planner');
  }

  /** CEM over action sequences scored by the model's imagined rewards (PlaNet Algorithm 2). */
  protected async choose(belief: LatentState): Promise<Float32Array> {
    const { horizon, iterations, candidates, topK, varianceEpsilon } = this.options.planner;
    const result = await cem(latentSequenceScorer(this.model, belief), {
      horizon,
      iterations,
      candidates,
      topK,
      varianceEpsilon,
      rng: this.plannerRng,
    });
    this.lastPlan = result;
    return result.action;
  }

  train(batch: SequenceBatch): Record<string, number> {
    return this.model.trainStep(batch);
  }

  protected savedState(): object {
    const streams = {
      planner: this.plannerRng.getState(),
      exploration: this.acting.noiseRng.getState(),
    };
    return { streams };
  }

  protected restoreState(saved: Record<string, unknown>, path: string): void {
    const streams = saved.streams as { planner: RngState; exploration: RngState } | undefined;
    if (!streams) throw new Error(`PlanetAgent.load: ${path} has no random streams`);
    this.plannerRng.setState(streams.planner);
    this.acting.noiseRng.setState(streams.exploration);
  }
}
