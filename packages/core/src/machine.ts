/**
 * What the machine has (cores, memory, the WebAssembly heap), and one check that a size or count
 * fits in it, with a message saying the limit and why. Sizes and counts that allocate in
 * proportion (CEM candidates, batch frames, simulator threads, rendered frames) are bounded with
 * it before anything is allocated, instead of failing later with "memory access out of bounds"
 * or by exhausting the machine.
 */
import { availableParallelism, totalmem } from 'node:os';
import type { Machine } from './machine-limits.js';

export * from './machine-limits.js';

/** This machine (the container's memory limit when lower than the machine's). */
export function thisMachine(): Machine {
  const limit = process.constrainedMemory?.() ?? 0;
  const total = totalmem();
  return {
    cores: availableParallelism(),
    memoryBytes: limit > 0 && limit < total ? limit : total,
  };
}
