import { tf } from '@vmbrl/tensor';
import type { BatchTensors } from './batch.js';
import { type WorldModelConfig, overshootingBetas } from './config.js';
import { stateKl } from './free-nats.js';
import { IMAGE_SIZE, imageLoss } from './image-loss.js';
import { type LatentCore, flattenTime } from './latent.js';
import { overshootingKl } from './overshooting.js';
import type { ContrastiveBound, LossResult, ObserveResult } from './types.js';

/** What the loss needs from a latent world model. */
export interface LossModel {
  readonly config: WorldModelConfig;
  readonly core: LatentCore;
  observeTensors(images: tf.Tensor5D, actions: tf.Tensor3D): ObserveResult;
  decode(features: tf.Tensor2D): tf.Tensor4D;
  predictReward(features: tf.Tensor2D): tf.Tensor1D;
  nextSeed(): number;
  /** For `objective: 'contrastive'`: the state model q(s_t | o_t) and the bound. */
  stateDistribution?(images: tf.Tensor4D): { mean: tf.Tensor2D; std: tf.Tensor2D };
  readonly contrastiveBound?: ContrastiveBound | null;
}

/** The time steps the image term decodes: phase, phase + every, ... below `length`. */
export interface DecodedSteps {
  phase: number;
  every: number;
}

/** Every `every`-th step of a chunk of `length`, starting at a phase drawn from `seed`. */
export function decodedSteps(length: number, every: number, seed: number): DecodedSteps {
  const step = Math.min(every, length);
  return { phase: step > 1 ? Math.abs(Math.trunc(seed)) % step : 0, every: step };
}

/**
 * x [B, L, ...] restricted to the decoded steps along time (all of it when every = 1): as
 * [B, L, R], pad time to phase + m*k, slice from the phase, view as [B, m, k, R] and keep
 * column 0. Pad, slice and reshape only, at most 4-D: tfjs has no gradient for stridedSlice,
 * gather's gradient needs a kernel wasm lacks, and wasm's slice of 5-D images is very slow.
 */
function everyKth<T extends tf.Tensor>(x: T, steps: DecodedSteps): T {
  const { phase, every } = steps;
  if (every === 1) return x;
  const [b, length, ...rest] = x.shape as number[];
  const r = rest.reduce((p, d) => p * d, 1);
  const m = Math.ceil(((length as number) - phase) / every);
  const flat = tf.reshape(x, [b as number, length as number, r]);
  const padded = tf.pad(flat, [
    [0, 0],
    [0, phase + m * every - (length as number)],
    [0, 0],
  ]);
  const window = tf.slice(padded, [0, phase, 0], [b as number, m * every, r]);
  const grouped = tf.reshape(window, [b as number, m, every, r]);
  const first = tf.slice(grouped, [0, 0, 0, 0], [b as number, m, 1, r]);
  return tf.reshape(first, [b as number, m, ...rest]) as T;
}

/**
 * PlaNet training objective (PlaNet eq. 3, or PlaNet eq. 7 with overshooting), negated for
 * minimisation:
 *   imageScale * image + rewardScale * reward + klScale * kl
 * (with `objective` contrastive the image term is the contrastive bound, with reward none)
 * where image is the summed squared pixel error per frame, reward the squared reward error per
 * step (both averaged over batch and time; the image term over the decoded steps only when
 * `imageEvery` > 1), and kl the free-nats-reduced KL[q || p].
 * Terms returned: image (or contrastive), reward, kl, klRaw (mean one-step KL before free nats) and, with
 * overshooting, kl_d1..kl_dD. Call inside a tidy (or an optimiser step).
 */
export function worldModelLoss(model: LossModel, inputs: BatchTensors): LossResult {
  const { config } = model;
  const { images, actions, rewards } = inputs;
  const observed = model.observeTensors(images, actions);
  const features = flattenTime(observed.features);
  const observation = observationTerm(model, inputs, observed);
  const rewardError = tf.sub(model.predictReward(features), tf.reshape(rewards, [-1]));
  const reward = tf.mean(tf.square(rewardError)) as tf.Scalar;
  const kl = klTerms(model, observed, actions);
  const total = tf.addN([
    tf.mul(observation.value, config.imageScale),
    tf.mul(reward, config.rewardScale),
    tf.mul(kl.term, config.klScale),
  ]) as tf.Scalar;
  const terms: Record<string, tf.Scalar> = { ...observation.terms, reward, ...kl.terms };
  return { total, terms };
}

/**
 * The observation term of the objective (minimised), and the terms logged for it:
 * reconstruction's image error (`image`), the contrastive bound of Dreamer eq. 12 as a loss
 * (`contrastive`), or none for `reward`. Call inside a tidy.
 *
 * Contrastive, where the paper is silent: the states are the posterior samples s_t (the part
 * of the model state inferred from o_t; h_t is a function of the past alone), and the
 * negatives o' are the other frames of the same forward pass (B x L frames, or a group of
 * whole sequences when `trainStep` splits a large batch).
 */
function observationTerm(
  model: LossModel,
  inputs: BatchTensors,
  observed: ObserveResult,
): { value: tf.Scalar; terms: Record<string, tf.Scalar> } {
  const { config } = model;
  const { images, rewards } = inputs;
  const l = rewards.shape[1];
  if (config.objective === 'reward') return { value: tf.scalar(0), terms: {} };
  if (config.objective === 'contrastive') {
    if (!model.stateDistribution || !model.contrastiveBound) {
      throw new Error("worldModelLoss: objective 'contrastive' needs a state model and its bound");
    }
    const frames = tf.reshape(images, [-1, IMAGE_SIZE, IMAGE_SIZE, 3]) as tf.Tensor4D;
    const states = flattenTime(observed.posteriors.stoch);
    const value = model.contrastiveBound(states, model.stateDistribution(frames));
    return { value, terms: { contrastive: value } };
  }
  // The phase seed is drawn only when frames are skipped, so imageEvery = 1 keeps the streams.
  const every = config.imageEvery;
  const decoded = decodedSteps(l, every, every > 1 ? model.nextSeed() : 0);
  const reconstruction = model.decode(flattenTime(everyKth(observed.features, decoded)));
  const target = tf.reshape(everyKth(images, decoded), [-1, IMAGE_SIZE, IMAGE_SIZE, 3]);
  const image = imageLoss(reconstruction, target as tf.Tensor4D, config.imageLossMask);
  return { value: image, terms: { image } };
}

/**
 * The KL term of the bound (free-nats reduced, with overshooting when configured) and the terms
 * logged with it: kl, klRaw (mean one-step KL before free nats) and kl_d1..kl_dD with
 * overshooting. Call inside a tidy.
 */
export function klTerms(
  model: Pick<LossModel, 'config' | 'core' | 'nextSeed'>,
  observed: ObserveResult,
  actions: tf.Tensor3D,
): { term: tf.Scalar; terms: Record<string, tf.Scalar> } {
  const { config, core } = model;
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
  const terms: Record<string, tf.Scalar> = { kl: kl.term, klRaw };
  if (betas.length > 1) {
    kl.perDistance.forEach((value, i) => {
      terms[`kl_d${i + 1}`] = value;
    });
  }
  return { term: kl.term, terms };
}
