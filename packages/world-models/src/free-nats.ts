import { Normal, klNormal, tf } from '@vmbrl/tensor';
import type { FreeNatsConvention } from './config.js';
import type { LatentState } from './types.js';

/**
 * KL[q || p] between the diagonal Gaussians of two states, summed over latent dimensions
 * (the complexity term of PlaNet eq. 3). Result has the state's leading shape.
 */
export function stateKl<T extends tf.Tensor>(
  posterior: LatentState<T>,
  prior: LatentState<T>,
): tf.Tensor {
  return tf.tidy(() =>
    klNormal(new Normal(posterior.mean, posterior.std), new Normal(prior.mean, prior.std)),
  );
}

/**
 * Reduce per-step KL values (any shape, one value per batch element and time step) to the scalar
 * loss term, granting `freeNats` by the chosen convention (see `FreeNatsConvention`):
 * - clampPerStep: mean(max(KL, free))
 * - hingePerStep: mean(max(0, KL - free))
 * - clampMean:    max(mean(KL), free)
 */
export function freeNatsKl(
  kl: tf.Tensor,
  freeNats: number,
  convention: FreeNatsConvention,
): tf.Scalar {
  return tf.tidy(() => {
    switch (convention) {
      case 'clampPerStep':
        return tf.mean(tf.maximum(kl, freeNats));
      case 'hingePerStep':
        return tf.mean(tf.relu(tf.sub(kl, freeNats)));
      case 'clampMean':
        return tf.maximum(tf.mean(kl), freeNats) as tf.Scalar;
      default:
        throw new Error(
          `freeNatsKl: unknown convention ${JSON.stringify(convention)}; allowed: clampPerStep, hingePerStep, clampMean`,
        );
    }
  }) as tf.Scalar;
}
