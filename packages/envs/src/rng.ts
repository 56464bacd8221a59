/**
 * Seeded randomness for the environments. The project's shared `Rng` lives in
 * `@vmbrl/tensor/random`; until it is available this module provides the same small API
 * (`next`, `uniform`, `normal`) with a local generator, so the tasks only depend on this interface.
 */

/** What tasks and wrappers need from a random number generator. */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Gaussian with the given mean and standard deviation. */
  normal(mean?: number, std?: number): number;
}

/** splitmix32 step: a well-mixed 32-bit hash used for seeding and as the generator itself. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

/** A small deterministic generator (splitmix32 + Box-Muller). */
export class LocalRng implements RandomSource {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
    this.state = splitmix32(Math.floor(seed) >>> 0)[1] | 0;
  }

  next(): number {
    const [s, a] = splitmix32(this.state);
    const [s2, b] = splitmix32(s);
    this.state = s2;
    // 53 random bits -> [0, 1)
    return ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  normal(mean = 0, std = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }
}

/** Creates the generator used for a seed. */
export function makeRng(seed: number): RandomSource {
  return new LocalRng(seed);
}
