import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MetricsRow, readMetrics } from '@vmbrl/metrics';
import { KERNEL_GROUPS, type KernelGroup, initBackend, setWasmKernels } from '@vmbrl/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRunConfig, runOnline } from './registry.js';

/**
 * Every agent's debug run on wasm, replayed with tfjs' own kernels (and this package's older
 * rewrites: VMBRL_WASM_KERNELS=none) and with our wasm kernels (matrix products, convolutions,
 * tanh/softplus, the fused GRU step, tile). The two differ only in float rounding (summation
 * order, 1-4 ulp elementary functions), so the runs must stay together: every loss, gradient
 * norm and return within 1e-5 relative (measured: at most 1.2e-7, in a gradient norm).
 */
const dirs: string[] = [];
beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false, wasmThreads: 1 });
});
afterAll(() => {
  setWasmKernels(KERNEL_GROUPS);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function replay(run: (out: string) => Promise<unknown>, groups: readonly KernelGroup[]) {
  const out = mkdtempSync(join(tmpdir(), 'vmbrl-replay-'));
  dirs.push(out);
  setWasmKernels(groups);
  try {
    await run(out);
  } finally {
    setWasmKernels(KERNEL_GROUPS);
  }
  return readMetrics(join(out, 'metrics.jsonl')).rows;
}

/** The numbers a run reports: returns of every episode and evaluation, every loss. */
function numbers(rows: MetricsRow[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      if (typeof value !== 'number' || /second|time|step$|updates$/i.test(key)) continue;
      const name = `${row.kind}.${key}`;
      if (!out[name]) out[name] = [];
      out[name].push(value);
    }
  }
  return out;
}

/** Largest |a - b| / (1 + |b|) over every reported number. */
function worstDifference(a: Record<string, number[]>, b: Record<string, number[]>) {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  let worst = 0;
  let where = '';
  for (const [name, values] of Object.entries(b)) {
    expect(a[name]?.length, name).toBe(values.length);
    values.forEach((v, i) => {
      const d = Math.abs((a[name]?.[i] as number) - v) / (1 + Math.abs(v));
      if (d > worst) [worst, where] = [d, `${name}[${i}]`];
    });
  }
  return { worst, where };
}

const agents: Record<string, { run: (out: string) => Promise<unknown>; tolerance: number }> = {
  planet: {
    run: (out) =>
      runOnline({
        config: resolveRunConfig('planet', 'debug', 'cartpole-swingup', 0),
        out,
        backend: 'wasm',
      }),
    tolerance: 1e-5,
  },
  dreamer: {
    run: (out) =>
      runOnline({
        config: resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 0),
        out,
        backend: 'wasm',
      }),
    tolerance: 1e-5,
  },
  alm: {
    run: (out) =>
      runOnline({ config: resolveRunConfig('alm', 'debug', 'hopper', 5), out, backend: 'wasm' }),
    tolerance: 1e-5,
  },
};

describe('debug runs with our wasm kernels and with tfjs kernels', () => {
  for (const [agent, { run, tolerance }] of Object.entries(agents)) {
    it(`${agent}: every loss and return agrees within ${tolerance} (relative to 1 + |value|)`, async () => {
      const theirs = numbers(await replay(run, []));
      const ours = numbers(await replay(run, KERNEL_GROUPS));
      const { worst, where } = worstDifference(ours, theirs);
      expect(worst, where).toBeLessThanOrEqual(tolerance);
      // Not the same computation twice: the kernels differ in their last bits.
      expect(worst).toBeGreaterThan(0);
    });
  }
});
