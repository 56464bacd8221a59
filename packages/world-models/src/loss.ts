import { tf } from '@vmbrl/tensor';
import type { BatchTensors } from './batch.js';
import { type WorldModelConfig, overshootingBetas } from './config.js';
import { stateKl } from './free-nats.js';
import { IMAGE_SIZE, imageLoss } from './image-loss.js';
import { type LatentCore, flattenTime } from './latent.js';
import { overshootingKl } from './overshooting.js';
import type { LossResult, ObserveResult } from './types.js';

/** What the loss needs from a latent world model. */
export interface LossModel {
  readonly config: WorldModelConfig;
  readonly core: LatentCore;
  observeTensors(images: tf.Tensor5D, actions: tf.Tensor3D): ObserveResult;
  decode(features: tf.Tensor2D): tf.Tensor4D;
  predictReward(features: tf.Tensor2D): tf.Tensor1D;
  nextSeed(): number;
}

/**
 * PlaNet training objective (eq. 3, or eq. 7 with overshooting), negated for minimisation:
 *   imageScale * image + rewardScale * reward + klScale * kl
 * where image is the summed squared pixel error per frame, reward the squared reward error per
 * step (both averaged over batch and time), and kl the free-nats-reduced KL[q || p].
 * Terms returned: image, reward, kl, klRaw (mean one-step KL before free nats) and, with
 * overshooting, kl_d1..kl_dD. Call inside a tidy (or an optimiser step).
 */
export function worldModelLoss(model: LossModel, inputs: BatchTensors): LossResult {
  const { config, core } = model;
  const { images, actions, rewards } = inputs;
  const [b, l] = rewards.shape;
  const observed = model.observeTensors(images, actions);
  const features = flattenTime(observed.features);
  const reconstruction = model.decode(features);
  const target = tf.reshape(images, [b * l, IMAGE_SIZE, IMAGE_SIZE, 3]) as tf.Tensor4D;
  const image = imageLoss(reconstruction, target, config.imageLossMask);
  const rewardError = tf.sub(model.predictReward(features), tf.reshape(rewards, [-1]));
  const reward = tf.mean(tf.square(rewardError)) as tf.Scalar;
  const betas = overshootingBetas(config);
  const kl = overshootingKl({
    core,
    posteriors: observed.posteriors,
    priors: observed.priors,
    actions,
    betas,
    freeNats: config.freeNats,
    convention: config.freeNatsConvention,
    nextSeed: () => model.nextSeed(),
  });
  const klRaw = tf.mean(stateKl(observed.posteriors, observed.priors)) as tf.Scalar;
  const total = tf.addN([
    tf.mul(image, config.imageScale),
    tf.mul(reward, config.rewardScale),
    tf.mul(kl.term, config.klScale),
  ]) as tf.Scalar;
  const terms: Record<string, tf.Scalar> = { image, reward, kl: kl.term, klRaw };
  if (betas.length > 1) {
    kl.perDistance.forEach((value, i) => {
      terms[`kl_d${i + 1}`] = value;
    });
  }
  return { total, terms };
}
