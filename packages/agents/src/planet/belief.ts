/**
 * Online belief filtering shared by the latent-model agents (PlaNet, Dreamer): one RSSM
 * posterior step per new image, never re-running the whole episode.
 */
import type { AgentObservation, Rng } from '@vmbrl/core';
import { type LatentState, type LatentWorldModel, filterStep } from '@vmbrl/world-models';
import { addExplorationNoise } from '../exploration.js';

/** The belief an agent carries between steps: the filtered posterior and the action after it. */
export interface BeliefState {
  /** q(s_t | h_t, e_t) after the latest image, [1, ...]. */
  belief: LatentState;
  /** The action taken at that belief (it leads into the next observation). */
  action: Float32Array;
}

/**
 * What the latent-model agents (PlaNet, Dreamer) share when acting: the online filter over the
 * world model's encoder, and the exploration noise of training episodes from its own stream.
 */
export class BeliefActing {
  /** Exploration noise stream (`<seed>/exploration`), saved with the agent. */
  readonly noiseRng: Rng;

  constructor(
    private readonly model: LatentWorldModel,
    rng: Rng,
    private readonly explorationNoise: number,
  ) {
    this.noiseRng = rng.split('exploration');
  }

  /** The observation's 64x64x3 image; `who` names the agent in the error. */
  image(observation: AgentObservation, who: string): Uint8Array {
    if (!(observation.image instanceof Uint8Array)) {
      throw new Error(`${who}.policy: the observation needs an image (64*64*3 uint8)`);
    }
    return observation.image;
  }

  /**
   * One filter step (PlaNet eq. 4 with the posterior, `filterStep`) from `previous` and the
   * action taken at it; at the episode start from the zero state and a zero action, as training
   * sees row 0 of an episode.
   */
  filter(image: Uint8Array, previous: BeliefState | null): LatentState {
    const action = previous?.action ?? new Float32Array(this.model.actionDim);
    return filterStep(this.model, previous?.belief ?? null, action, image);
  }

  /** `action` plus N(0, std^2) noise clipped to [-1, 1] when exploring; `action` otherwise. */
  explore(action: Float32Array, explore: boolean): Float32Array {
    if (!explore || this.explorationNoise <= 0) return action;
    return addExplorationNoise(action, this.explorationNoise, () => this.noiseRng.normal());
  }
}
