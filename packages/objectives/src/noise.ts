import { type Normal, type Rng, tf } from '@vmbrl/tensor';

/**
 * Where the standard-normal noise of reparameterised samples comes from. Agents use
 * {@link seededNoise}; tests pass {@link constantNoise} to compute losses by hand.
 */
export interface NoiseSource {
  /** eps ~ N(0, I) of the given shape. */
  standardNormal(shape: number[]): tf.Tensor;
}

/** Noise from tfjs' seeded generator, a fresh seed from `rng` per call (deterministic per run). */
export function seededNoise(rng: Rng): NoiseSource {
  return {
    standardNormal: (shape) => tf.randomNormal(shape, 0, 1, 'float32', rng.seed32()),
  };
}

/** Every eps equal to `value` (0 gives the means): for tests and deterministic evaluation. */
export function constantNoise(value: number): NoiseSource {
  return { standardNormal: (shape) => tf.fill(shape, value) };
}

/** Reparameterised sample mean + std * eps of a diagonal Gaussian. */
export function rsample(dist: Normal, noise: NoiseSource): tf.Tensor {
  return tf.tidy(() => {
    const shape = tf.backend_util.assertAndGetBroadcastShape(dist.mean.shape, dist.std.shape);
    return tf.add(dist.mean, tf.mul(dist.std, noise.standardNormal(shape)));
  });
}
