import { availableParallelism } from 'node:os';
import { WASM_HEAP_BYTES, validator } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig, validateRunConfig } from '../registry.js';
import { validatePlanner } from './config.js';

// Sizes that allocate in proportion are refused before anything is allocated (issue 15:
// `--candidates 10000000` died with "memory access out of bounds", `--workers 1000` took 23 GB).
describe('bounds by what the machine has', () => {
  it('CEM candidates: the latent rollout of one planning step must fit the wasm heap', () => {
    const machine = { cores: 2, memoryBytes: 8 * 1024 ** 3 }; // 6 GB host budget > 4 GB heap
    const planner = { horizon: 12, iterations: 10, candidates: 10_000_000, topK: 100 };
    const quick = { deterSize: 128, stochSize: 30, hiddenSize: 128 };
    // Per horizon step: 8 + 5 * 128 + 4 * 30 + 3 * 128 = 1152 floats; x 4 bytes x 12 = 55296 B.
    const most = Math.floor(WASM_HEAP_BYTES / 55296);
    expect(most).toBe(77671);
    expect(() => validatePlanner(validator('run config'), planner, quick, machine)).toThrow(
      `run config: planner.candidates = 10000000 is invalid; allowed: <= ${most} (one planning step (horizon 12) needs 54.0 KB per candidate, 515.0 GB in all; the limit is the wasm backend's heap, 4.0 GB (32-bit addresses))`,
    );
    const fits = { ...planner, candidates: most };
    expect(() => validatePlanner(validator('run config'), fits, quick, machine)).not.toThrow();
    // On a small machine the host memory is the limit: 3/4 of 2 GB = 1.5 GB.
    const small = { cores: 1, memoryBytes: 2 * 1024 ** 3 };
    expect(() => validatePlanner(validator('x'), fits, quick, small)).toThrow(
      `allowed: <= ${Math.floor((1.5 * 1024 ** 3) / 55296)} (one planning step (horizon 12) needs 54.0 KB per candidate, 4.0 GB in all; the limit is 3/4 of this machine's 2.0 GB of memory)`,
    );
    // The preset sizes are far inside it.
    expect(() =>
      validateRunConfig(resolveRunConfig('planet', 'paper', 'walker-walk', 0)),
    ).not.toThrow();
  });

  it('oracle workers: at most twice the cores', () => {
    const cores = availableParallelism();
    const resolve = (oracleWorkers: number) =>
      validateRunConfig(
        resolveRunConfig('cem-oracle', 'quick', 'cartpole-swingup', 0, { oracleWorkers }),
      );
    expect(() => resolve(2 * cores + 1)).toThrow(
      `oracleWorkers = ${2 * cores + 1} is invalid; allowed: <= ${2 * cores} (twice this machine's ${cores} cores; each worker is a thread with its own simulator)`,
    );
    expect(() => resolve(2 * cores)).not.toThrow();
  });
});
