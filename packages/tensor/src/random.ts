/**
 * `@vmbrl/tensor/random`, kept for code written before the seeded RNG moved to @vmbrl/core
 * (import it from there).
 */
export { Rng, type RngState, splitSeed } from '@vmbrl/core';
