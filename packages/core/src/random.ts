/**
 * Pure-JS seeded randomness (no tfjs), shared by environments, replay buffers and learners.
 *
 * The generator is xoshiro128** (fast, 128-bit state, passes BigCrush) seeded through
 * splitmix32; children are derived from a 32-bit key and a component name by hashing, so the
 * numbers a child produces do not depend on how many numbers its parent has drawn.
 */

/** What a task or wrapper needs from a random number generator ({@link Rng} provides it). */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Gaussian with the given mean and standard deviation. */
  normal(mean?: number, std?: number): number;
}

/** JSON-serialisable state of an {@link Rng}, for resuming runs. */
export interface RngState {
  /** Key the generator was derived from (used by `split`). */
  key: number;
  /** The four 32-bit words of the xoshiro128** state. */
  words: [number, number, number, number];
}

const UINT32 = 0x1_0000_0000;

/** One step of splitmix32: returns the next state and a well-mixed output. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** FNV-1a hash of a string's UTF-16 code units, 32 bits. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function checkSeed(seed: number, what: string): number {
  if (!Number.isInteger(seed) || seed < 0 || seed >= UINT32) {
    throw new Error(`${what} must be an integer in [0, 2^32), got ${seed}`);
  }
  return seed;
}

/**
 * Derives the seed of the child component `name` from `seed` deterministically.
 * Different names give (practically) independent seeds; the same pair always gives the same.
 */
export function splitSeed(seed: number, name: string): number {
  checkSeed(seed, 'seed');
  let state = (seed ^ fnv1a(name)) >>> 0;
  let out = 0;
  // Two rounds so that seeds differing in one bit, or names differing in one char, diverge fully.
  [state, out] = splitmix32(state);
  [, out] = splitmix32((out ^ Math.imul(fnv1a(name), 0x27d4eb2d)) >>> 0);
  return out;
}

/**
 * Seeded, deterministic, splittable random number generator.
 *
 * ```ts
 * const root = new Rng(42);
 * const envRng = root.split('env'); // same numbers for seed 42 whatever root draws
 * envRng.uniform(-1, 1);
 * ```
 */
export class Rng {
  private key: number;
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** @param seed integer in [0, 2^32). */
  constructor(seed: number) {
    this.key = checkSeed(seed, 'Rng seed');
    let state = seed;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      let out: number;
      [state, out] = splitmix32(state);
      words.push(out);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
  }

  /** Next raw 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 53 bits of randomness. */
  next(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Normal sample (Box-Muller; one pair of uniforms per call so the state stays simple). */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.next(); // in (0, 1], so the log is finite
    const u2 = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > UINT32) {
      throw new Error(`Rng.int(n) needs an integer n in [1, 2^32], got ${n}`);
    }
    const limit = UINT32 - (UINT32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** A fresh uint32 seed drawn from this stream, e.g. for tfjs random ops. */
  seed32(): number {
    return this.nextUint32();
  }

  /** Deterministic child generator for the component `name` (independent of draws so far). */
  split(name: string): Rng {
    return new Rng(splitSeed(this.key, name));
  }

  /** Fisher-Yates shuffle of `items` in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** JSON-serialisable snapshot of the generator. */
  getState(): RngState {
    return { key: this.key, words: [this.s0, this.s1, this.s2, this.s3] };
  }

  /** Restores a snapshot from {@link Rng.getState}. */
  setState(state: RngState): void {
    const words = state?.words;
    if (!Array.isArray(words) || words.length !== 4 || !words.every(isUint32)) {
      throw new Error('Rng.setState expects {key, words: [4 uint32]} as returned by getState()');
    }
    if (words.every((w) => w === 0)) throw new Error('Rng.setState: all-zero state is invalid');
    this.key = checkSeed(state.key, 'Rng state key');
    [this.s0, this.s1, this.s2, this.s3] = words;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function isUint32(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < UINT32;
}
