/**
 * Seeded randomness for the environments: the project's `Rng` from `@vmbrl/tensor/random`
 * (pure JS, no tfjs import, so env workers start fast).
 */
import { Rng, splitSeed } from '@vmbrl/tensor/random';

/** What tasks and wrappers need from a random number generator. */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Gaussian with the given mean and standard deviation. */
  normal(mean?: number, std?: number): number;
}

/** Creates the generator for a seed (an integer in [0, 2^32); other values throw). */
export function makeRng(seed: number): RandomSource {
  return new Rng(seed);
}

/** Seed of a named child component, derived deterministically from `seed`. */
export function childSeed(seed: number, name: string): number {
  return splitSeed(seed, name);
}
