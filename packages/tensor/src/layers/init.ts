import type { Rng } from '@vmbrl/core';

/**
 * Glorot (Xavier) uniform values, U(-l, l) with l = sqrt(6 / (fanIn + fanOut)), the default
 * kernel initialiser of TensorFlow/Keras (and so of the reference implementations).
 */
export function glorotUniform(size: number, fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-limit, limit);
  return out;
}

/** `size` copies of `value`. */
export function constant(size: number, value: number): Float32Array {
  return new Float32Array(size).fill(value);
}
