import { imagesToFloat, tf } from '@vmbrl/tensor';
import { IMAGE_SIZE } from './image-loss.js';
import { tidyTree } from './latent.js';
import type { LatentState } from './types.js';
import type { LatentWorldModel } from './world-model.js';

/**
 * One online filter step (PlaNet eq. 4 with the posterior): h_t from the previous state and
 * the action that led to `image`, then q(s_t | h_t, e_t). With no previous state it starts at
 * the model's zero state, as training sees row 0 of an episode. The image gets the training
 * input distribution (bit reduction plus seeded dequantisation noise). Returns a new [1, ...]
 * state the caller owns; `previous` is left alone.
 */
export function filterStep(
  model: LatentWorldModel,
  previous: LatentState | null,
  action: Float32Array,
  image: Uint8Array,
): LatentState {
  const { actionDim } = model;
  if (action.length !== actionDim) {
    throw new Error(`filterStep: the action has ${action.length} values, expected ${actionDim}`);
  }
  if (image.length !== IMAGE_SIZE * IMAGE_SIZE * 3) {
    throw new Error(`filterStep: the image has ${image.length} values, expected 64*64*3`);
  }
  return tidyTree(() => {
    const raw = tf.tensor4d(image, [1, IMAGE_SIZE, IMAGE_SIZE, 3], 'int32');
    const bitDepth = model.config.bitDepth;
    const noise = bitDepth < 8;
    const x = imagesToFloat(raw, {
      bitDepth,
      noise,
      noiseSeed: noise ? model.nextSeed() : undefined,
    });
    const embed = model.embed(x as tf.Tensor4D);
    const prev = previous ?? model.core.initialState(1);
    const a = tf.tensor2d(action, [1, actionDim]);
    return model.core.observeStep(prev, a, embed, model.nextSeed()).posterior;
  });
}
