/**
 * Behaviour unchanged: PlaNet, Dreamer and ALM `debug` runs (seed 0, cpu backend) give the
 * returns and training losses recorded in fixtures/debug-runs.json before the packages were
 * reorganised. A change of any random stream, update order or loss shows up here. Run
 * directories written before the reorganisation (fixtures/before-issue-14) resume to the same
 * numbers.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMetrics } from '@vmbrl/metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunConfig, runOnline } from './registry.js';

interface RecordedRun {
  episodeReturns: number[];
  evalReturns: number[];
  trainLosses: Record<string, number>[];
}

const here = dirname(fileURLToPath(import.meta.url));
const recorded = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'debug-runs.json'), 'utf8'))
  .runs as Record<'planet' | 'dreamer' | 'alm', RecordedRun>;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The run's returns and train rows in the fixture's layout (wall-clock fields dropped). */
function summarise(out: string): RecordedRun {
  const { rows } = readMetrics(join(out, 'metrics.jsonl'));
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  return {
    episodeReturns: of('episode').map((r) => r.return as number),
    // The schedule's evaluations (the recorded runs predate the final evaluation).
    evalReturns: of('eval')
      .filter((r) => r.final !== true)
      .map((r) => r.return as number),
    trainLosses: of('train').map(({ kind: _k, updatesPerSecond: _u, ...rest }) => {
      return rest as Record<string, number>;
    }),
  };
}

/** Steps of the run's final evaluations (one, at the budget, when the schedule missed it). */
function finalEvaluations(out: string): number[] {
  const { rows } = readMetrics(join(out, 'metrics.jsonl'));
  return rows.filter((r) => r.kind === 'eval' && r.final === true).map((r) => r.step);
}

/** Equal up to float noise across machines (a changed stream or update differs by far more). */
function expectClose(actual: number[], expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((value, i) => {
    const tolerance = 1e-9 + 1e-6 * Math.abs(expected[i] as number);
    expect(Math.abs(value - (expected[i] as number)), `${what}[${i}]`).toBeLessThanOrEqual(
      tolerance,
    );
  });
}

function expectSameRun(actual: RecordedRun, expected: RecordedRun): void {
  expectClose(actual.episodeReturns, expected.episodeReturns, 'episode returns');
  expectClose(actual.evalReturns, expected.evalReturns, 'eval returns');
  expect(actual.trainLosses.length).toBe(expected.trainLosses.length);
  actual.trainLosses.forEach((row, i) => {
    const want = expected.trainLosses[i] as Record<string, number>;
    expect(Object.keys(row).sort(), `train row ${i} keys`).toEqual(Object.keys(want).sort());
    for (const key of Object.keys(want)) {
      expectClose([row[key] as number], [want[key] as number], `train row ${i} ${key}`);
    }
  });
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-behaviour-'));
  dirs.push(dir);
  return dir;
}

describe('debug runs reproduce the recorded returns and losses (cpu, seed 0)', () => {
  it('PlaNet on cartpole-swingup', async () => {
    const out = tempDir();
    const config = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 0);
    await runOnline({ config, out, backend: 'cpu' });
    expectSameRun(summarise(out), recorded.planet);
  });

  it('Dreamer on cartpole-swingup', async () => {
    const out = tempDir();
    const config = resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 0);
    await runOnline({ config, out, backend: 'cpu' });
    expectSameRun(summarise(out), recorded.dreamer);
  });

  it('ALM on hopper', async () => {
    const out = tempDir();
    const config = resolveRunConfig('alm', 'debug', 'hopper', 0);
    await runOnline({ config, out, backend: 'cpu' });
    expectSameRun(summarise(out), recorded.alm);
    expect(finalEvaluations(out)).toEqual([config.maxEnvSteps]);
  });
});

describe('run directories written before the reorganisation resume exactly', () => {
  const before = join(here, '..', 'fixtures', 'before-issue-14', 'runs');

  it('PlaNet, stopped after its seed episodes, finishes as the recorded run', async () => {
    const out = tempDir();
    cpSync(join(before, 'planet-debug'), out, { recursive: true });
    const config = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 0);
    const result = await runOnline({ config, out, backend: 'cpu' });
    expect(result.resumed).toBe(true);
    expectSameRun(summarise(out), recorded.planet);
  });

  it('ALM, interrupted after two episodes (the old layout of its config), finishes as recorded', async () => {
    const out = tempDir();
    cpSync(join(before, 'alm-debug'), out, { recursive: true });
    const config = resolveRunConfig('alm', 'debug', 'hopper', 0);
    const result = await runOnline({ config, out, backend: 'cpu' });
    expect(result.resumed).toBe(true);
    expectSameRun(summarise(out), recorded.alm);
    expect(finalEvaluations(out)).toEqual([config.maxEnvSteps]);
  });
});
