/**
 * Limits of a machine (cores, memory, the WebAssembly heap) and checks that sizes fit them; no
 * Node module, so the browser entry shares it. `thisMachine()` lives in machine.ts (Node) and
 * browser.ts (the browser).
 */
import type { Validator } from './validate.js';

/** The resources sizes are bounded by. */
export interface Machine {
  /** Cores this process may run on. */
  cores: number;
  /** Memory of the machine, or of the container when it is limited (cgroup). */
  memoryBytes: number;
}

/** The largest heap a WebAssembly module with 32-bit addresses can grow to (tfjs-wasm's cap). */
export const WASM_HEAP_BYTES = 4294901760;

/** The share of memory one run plans for; the rest is left to the system and other programs. */
export const MEMORY_SHARE = 0.75;

/** A limit in bytes and the words that explain it. */
export interface MemoryBudget {
  bytes: number;
  /** e.g. "3/4 of this machine's 23.4 GB of memory". */
  why: string;
}

/** The host memory one run may plan for: {@link MEMORY_SHARE} of the machine's. */
export function hostBudget(machine: Machine): MemoryBudget {
  return {
    bytes: Math.floor(machine.memoryBytes * MEMORY_SHARE),
    why: `3/4 of this machine's ${formatBytes(machine.memoryBytes)} of memory`,
  };
}

/**
 * Memory for tensors on `backend`: the wasm heap (or less, when the host has less); on the
 * other backends tensors live in host memory.
 */
export function tensorBudget(machine: Machine, backend: string): MemoryBudget {
  const host = hostBudget(machine);
  if (backend !== 'wasm' || host.bytes < WASM_HEAP_BYTES) return host;
  return {
    bytes: WASM_HEAP_BYTES,
    why: `the wasm backend's heap, ${formatBytes(WASM_HEAP_BYTES)} (32-bit addresses)`,
  };
}

/** Bytes in words: "512 B", "3.0 KB", "1.5 GB" (powers of 1024). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A size or count that costs memory in proportion: `fixedBytes + bytesPerUnit * value`. */
export interface MemoryUse {
  /** The field (or flag) that sets it, as the user names it: 'planner.candidates', '--size'. */
  field: string;
  value: number;
  bytesPerUnit: number;
  /** What one unit is, for the message: 'candidate', 'frame' (default 'unit'). */
  unit?: string;
  /** Bytes that do not depend on `value` (default 0). */
  fixedBytes?: number;
  /** What the memory is for, e.g. "one planning step (horizon 12)". */
  what: string;
  budget: MemoryBudget;
}

/** The largest value of `use.field` that fits its budget (0 when even the fixed part does not). */
export function largestFitting(use: MemoryUse): number {
  const room = use.budget.bytes - (use.fixedBytes ?? 0);
  return room <= 0 ? 0 : Math.floor(room / use.bytesPerUnit);
}

/**
 * Throws a ValidationError through `check` when `use` does not fit its budget, e.g.
 * `planner.candidates = 10000000 is invalid; allowed: <= 77671 (one planning step (horizon 12)
 * needs 54.0 KB per candidate, 515.0 GB in all; the limit is the wasm backend's heap, 4.0 GB
 * (32-bit addresses))`.
 */
export function checkFits(check: Validator, use: MemoryUse): void {
  const needed = (use.fixedBytes ?? 0) + use.bytesPerUnit * use.value;
  if (needed <= use.budget.bytes) return;
  const most = largestFitting(use);
  const fixed = use.fixedBytes ? ` plus ${formatBytes(use.fixedBytes)}` : '';
  check.fail(
    use.field,
    use.value,
    `<= ${most} (${use.what} needs ${formatBytes(use.bytesPerUnit)} per ${use.unit ?? 'unit'}${fixed}, ${formatBytes(needed)} in all; the limit is ${use.budget.why})`,
  );
}

/** Throws through `check` when `value` exceeds `limit`, saying why the limit is there. */
export function checkAtMost(
  check: Validator,
  field: string,
  value: number,
  limit: number,
  why: string,
): void {
  if (value > limit) check.fail(field, value, `<= ${limit} (${why})`);
}
