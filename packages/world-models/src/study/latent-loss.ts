/**
 * The training objective of the study's latent designs: PlaNet's bound (eq. 3) with the reward
 * read from the features (LTLR, R_LL) or from the decoded frame (LTOR), the image term left out
 * for R_LL, and the reward gradient stopped at the representation when the latent is not shared
 * (paper fig. 7; the study code's `reward_stop_gradient`). With a shared latent, LTLR's loss is
 * `worldModelLoss` exactly.
 */
import { stopGradient, tf } from '@vmbrl/tensor';
import type { BatchTensors } from '../batch.js';
import { IMAGE_SIZE, imageLoss } from '../image-loss.js';
import { flattenTime } from '../latent.js';
import { klTerms } from '../loss.js';
import type { LossResult } from '../types.js';
import type { LatentWorldModel } from '../world-model.js';
import type { ImageRewardNet } from './reward-nets.js';

/** What the loss combines. */
export interface LatentDesignParts {
  world: LatentWorldModel;
  /** LTOR's reward network on decoded frames; null reads the reward head on the features. */
  rewardNet: ImageRewardNet | null;
  /** Whether the image term is part of the loss (false for R_LL, whose model has no decoder). */
  image: boolean;
  /** Whether the reward loss's gradient reaches the representation. */
  shareLatent: boolean;
}

/**
 * imageScale * image + rewardScale * reward + klScale * kl (terms as `worldModelLoss`; no
 * `image` term without the image loss). Call inside a tidy or an optimiser step.
 */
export function latentDesignLoss(parts: LatentDesignParts, inputs: BatchTensors): LossResult {
  const { world, rewardNet, shareLatent } = parts;
  const { config } = world;
  const { images, actions, rewards } = inputs;
  const observed = world.observeTensors(images, actions);
  const features = flattenTime(observed.features);
  const shared = <T extends tf.Tensor>(x: T): T => (shareLatent ? x : stopGradient(x));
  const total: tf.Scalar[] = [];
  const terms: Record<string, tf.Scalar> = {};
  let decoded: tf.Tensor4D | null = null;
  if (parts.image) {
    decoded = world.decode(features);
    const target = tf.reshape(images, [-1, IMAGE_SIZE, IMAGE_SIZE, 3]) as tf.Tensor4D;
    terms.image = imageLoss(decoded, target, config.imageLossMask);
    total.push(tf.mul(terms.image, config.imageScale));
  }
  let predicted: tf.Tensor1D;
  if (rewardNet) {
    if (!decoded) throw new Error('latentDesignLoss: a reward from frames needs the image term');
    predicted = rewardNet.apply(shared(decoded));
  } else {
    predicted = world.predictReward(shared(features));
  }
  terms.reward = tf.mean(tf.square(tf.sub(predicted, tf.reshape(rewards, [-1])))) as tf.Scalar;
  total.push(tf.mul(terms.reward, config.rewardScale));
  const kl = klTerms(world, observed, actions);
  Object.assign(terms, kl.terms);
  total.push(tf.mul(kl.term, config.klScale));
  return { total: tf.addN(total) as tf.Scalar, terms };
}
