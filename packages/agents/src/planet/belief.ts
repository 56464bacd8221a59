/**
 * Online belief filtering shared by the latent-model agents (PlaNet, Dreamer): one RSSM
 * posterior step per new image, never re-running the whole episode.
 */
import type { AgentObservation, Rng } from '@vmbrl/core';
import { type ConvEncoder, imagesToFloat, tf } from '@vmbrl/tensor';
import { type LatentState, type LatentWorldModel, tidyTree } from '@vmbrl/world-models';
import { addExplorationNoise } from '../exploration.js';

/** The belief an agent carries between steps: the filtered posterior and the action after it. */
export interface BeliefState {
  /** q(s_t | h_t, e_t) after the latest image, [1, ...]. */
  belief: LatentState;
  /** The action taken at that belief (it leads into the next observation). */
  action: Float32Array;
}

/**
 * The model's conv encoder. `LatentWorldModel` keeps it private and has no one-step filter
 * (a gap in @vmbrl/world-models): online filtering needs e_t = enc(o_t) for one image.
 */
export function encoderOf(model: LatentWorldModel): ConvEncoder {
  const encoder = (model as unknown as { encoder?: ConvEncoder }).encoder;
  if (!encoder || typeof encoder.apply !== 'function') {
    throw new Error('encoderOf: this LatentWorldModel has no encoder field to filter with');
  }
  return encoder;
}

/**
 * Filters one step (PlaNet eq. 4 with the posterior): h_t from (h, s, a)_{t-1}, then
 * q(s_t | h_t, e_t). At the episode start the previous state is the model's zero state and the
 * action is zero, exactly as training sees row 0 of an episode. Returns a new state the caller
 * owns; `previous` is left untouched.
 */
export function filterBelief(
  model: LatentWorldModel,
  encoder: ConvEncoder,
  image: Uint8Array,
  previous: BeliefState | null,
): LatentState {
  return tidyTree(() => {
    const prev = previous?.belief ?? model.core.initialState(1);
    const action = previous?.action ?? new Float32Array(model.actionDim);
    const raw = tf.tensor4d(image, [1, 64, 64, 3], 'int32');
    const bitDepth = model.config.bitDepth;
    // Same input distribution as training: bit reduction plus seeded dequantisation noise.
    const noise = bitDepth < 8;
    const x = imagesToFloat(raw, {
      bitDepth,
      noise,
      noiseSeed: noise ? model.nextSeed() : undefined,
    });
    const embed = encoder.apply(x) as tf.Tensor2D;
    const a = tf.tensor2d(action, [1, model.actionDim]);
    return model.core.observeStep(prev, a, embed, model.nextSeed()).posterior;
  });
}

/**
 * What the latent-model agents (PlaNet, Dreamer) share when acting: the online filter over the
 * world model's encoder, and the exploration noise of training episodes from its own stream.
 */
export class BeliefActing {
  /** Exploration noise stream (`<seed>/exploration`), saved with the agent. */
  readonly noiseRng: Rng;
  private readonly encoder: ConvEncoder;

  constructor(
    private readonly model: LatentWorldModel,
    rng: Rng,
    private readonly explorationNoise: number,
  ) {
    this.encoder = encoderOf(model);
    this.noiseRng = rng.split('exploration');
  }

  /** The observation's 64x64x3 image; `who` names the agent in the error. */
  image(observation: AgentObservation, who: string): Uint8Array {
    if (!(observation.image instanceof Uint8Array)) {
      throw new Error(`${who}.policy: the observation needs an image (64*64*3 uint8)`);
    }
    return observation.image;
  }

  /** One filter step from `previous` (see {@link filterBelief}). */
  filter(image: Uint8Array, previous: BeliefState | null): LatentState {
    return filterBelief(this.model, this.encoder, image, previous);
  }

  /** `action` plus N(0, std^2) noise clipped to [-1, 1] when exploring; `action` otherwise. */
  explore(action: Float32Array, explore: boolean): Float32Array {
    if (!explore || this.explorationNoise <= 0) return action;
    return addExplorationNoise(action, this.explorationNoise, () => this.noiseRng.normal());
  }
}
