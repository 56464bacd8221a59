/**
 * @vmbrl/core — what every vmbrl package shares, without TensorFlow.js: the contracts (env and
 * time steps, episodes and batches, dynamics and scorers, agents), the seeded RNG, atomic file
 * writes, the directory lease (one writer per run directory or dataset), what the machine has
 * (cores, memory, the wasm heap) and checks that sizes fit it, PNG/GIF images, validation with
 * one error type, and percentiles.
 */
export * from './portable.js';
export * from './atomic.js';
export * from './process.js';
export * from './lease.js';
export * from './machine.js';
export * from './image.js';
export * from './cli.js';
export * from './version.js';
