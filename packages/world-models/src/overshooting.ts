import { stopGradient, tf } from '@vmbrl/tensor';
import type { FreeNatsConvention } from './config.js';
import { freeNatsKl, stateKl } from './free-nats.js';
import { type LatentCore, flattenTime, mapState, tidyTree } from './latent.js';
import type { LatentState } from './types.js';

/** Inputs of the overshooting KL, all [B, L, ...] from one `observe` pass. */
export interface OvershootingInputs {
  core: LatentCore;
  posteriors: LatentState<tf.Tensor3D>;
  /** One-step priors p(s_t | s_{t-1}, a_{t-1}) with their samples, from the same pass. */
  priors: LatentState<tf.Tensor3D>;
  /** action[t] leads into step t, [B, L, A]. */
  actions: tf.Tensor3D;
  /** beta_1..beta_D. */
  betas: number[];
  freeNats: number;
  convention: FreeNatsConvention;
  /** Fresh seed for each sampling call. */
  nextSeed: () => number;
}

/** The overshooting KL term and its per-distance parts (each already free-nats reduced). */
export interface OvershootingResult {
  term: tf.Scalar;
  perDistance: tf.Scalar[];
}

/** Time steps [start, start + count) of every tensor of a [B, L, ...] state. */
function sliceTime(
  state: LatentState<tf.Tensor3D>,
  start: number,
  count: number,
): LatentState<tf.Tensor3D> {
  return mapState(state, (x) => tf.slice(x, [0, start, 0], [-1, count, -1]));
}

/**
 * Latent overshooting (PlaNet eq. 7): (1/D) sum_d beta_d KL[q(s_t) || p(s_t | s_{t-d})].
 *
 * Distance 1 uses the one-step priors of the filtering pass, so D = 1 is exactly the standard
 * bound (PlaNet eq. 3). Distance d >= 2 steps the distance-(d-1) prior samples once more under the next
 * action, for every start at once; its targets are stop-gradient posteriors so multi-step
 * predictions move towards the posteriors, not the reverse (section 4). A target t has a
 * distance-d prediction when t >= d - 1, counting the fixed initial state as the start of t = 0.
 */
export function overshootingKl(inputs: OvershootingInputs): OvershootingResult {
  const { core, posteriors, priors, actions, betas, freeNats, convention, nextSeed } = inputs;
  const distance = betas.length;
  const [batch, length] = posteriors.mean.shape;
  if (distance < 1)
    throw new Error('overshootingKl: need at least one distance (betas.length >= 1)');
  if (distance > length) {
    throw new Error(
      `overshootingKl: distance ${distance} exceeds the sequence length ${length}; allowed: 1..${length}`,
    );
  }
  const perDistance: tf.Scalar[] = [];
  perDistance.push(freeNatsKl(stateKl(posteriors, priors), freeNats, convention));
  // Predictions of distance d-1 for targets t = d-2 .. L-1, shape [B, L-d+2, ...].
  let previous = priors;
  for (let d = 2; d <= distance; d += 1) {
    const count = length - d + 1;
    const next = tidyTree(() => {
      const starts = mapState(sliceTime(previous, 0, count), flattenTime);
      const stepActions = flattenTime(tf.slice(actions, [0, d - 1, 0], [-1, count, -1]));
      const stepped = core.imagineStep(starts, stepActions, nextSeed());
      return mapState(stepped, (x) => tf.reshape(x, [batch, count, x.shape[1]]) as tf.Tensor3D);
    });
    const targets = mapState(sliceTime(posteriors, d - 1, count), stopGradient);
    perDistance.push(freeNatsKl(stateKl(targets, next), freeNats, convention));
    previous = next;
  }
  const weighted = perDistance.map((kl, i) => tf.mul(kl, betas[i] as number));
  const term = tf.div(tf.addN(weighted), distance) as tf.Scalar;
  return { term, perDistance };
}
