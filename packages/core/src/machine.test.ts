import { availableParallelism, totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  WASM_HEAP_BYTES,
  checkAtMost,
  checkFits,
  formatBytes,
  hostBudget,
  largestFitting,
  tensorBudget,
  thisMachine,
} from './machine.js';
import { ValidationError, validator } from './validate.js';

const GB = 1024 ** 3;

describe('machine limits', () => {
  it('this machine: its cores, and its memory or the container limit when lower', () => {
    const machine = thisMachine();
    expect(machine.cores).toBe(availableParallelism());
    expect(machine.memoryBytes).toBeGreaterThan(0);
    expect(machine.memoryBytes).toBeLessThanOrEqual(totalmem());
  });

  it('budgets: 3/4 of the memory; on wasm at most the 32-bit heap', () => {
    const small = { cores: 2, memoryBytes: 4 * GB };
    expect(hostBudget(small)).toEqual({
      bytes: 3 * GB,
      why: "3/4 of this machine's 4.0 GB of memory",
    });
    expect(tensorBudget(small, 'wasm').bytes).toBe(3 * GB); // the host is the tighter limit
    const big = { cores: 8, memoryBytes: 32 * GB };
    expect(tensorBudget(big, 'wasm')).toEqual({
      bytes: WASM_HEAP_BYTES,
      why: "the wasm backend's heap, 4.0 GB (32-bit addresses)",
    });
    expect(tensorBudget(big, 'cpu').bytes).toBe(24 * GB);
    expect(WASM_HEAP_BYTES).toBe(65536 * 65535); // 65535 pages of 64 KiB
  });

  it('checkFits names the field, the largest value that fits, the cost and the limit', () => {
    const budget = { bytes: 1000, why: 'a test budget' };
    const use = { field: 'n', value: 10, bytesPerUnit: 96, fixedBytes: 40, what: 'a step', budget };
    expect(largestFitting(use)).toBe(10); // (1000 - 40) / 96 = 10
    expect(() => checkFits(validator('t'), use)).not.toThrow();
    const over = { ...use, value: 11, unit: 'item' };
    expect(() => checkFits(validator('t'), over)).toThrow(ValidationError);
    expect(() => checkFits(validator('t'), over)).toThrow(
      't: n = 11 is invalid; allowed: <= 10 (a step needs 96 B per item plus 40 B, 1.1 KB in all; the limit is a test budget)',
    );
    expect(() => checkAtMost(validator('t'), 'workers', 9, 8, 'eight cores')).toThrow(
      't: workers = 9 is invalid; allowed: <= 8 (eight cores)',
    );
  });

  it('formats bytes in powers of 1024', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3 * 1024)).toBe('3.0 KB');
    expect(formatBytes(1.5 * GB)).toBe('1.5 GB');
  });
});
