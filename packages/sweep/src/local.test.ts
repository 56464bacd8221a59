import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLease, processAlive, readLease } from '@vmbrl/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cellDir } from './cell.js';
import { type LocalProgress, estimateEta, runLocal } from './local.js';
import { cellPaths, readCellStatus } from './run-dir.js';
import { fixture, startNode, waitUntil } from './testing/processes.js';
import {
  type ToyConfig,
  expectedMetrics,
  readExecutions,
  readMetrics,
  toyCell,
  toyRunner,
} from './testing/toy.js';

let runsDir: string;
beforeEach(() => {
  runsDir = mkdtempSync(join(tmpdir(), 'vmbrl-local-'));
});
afterEach(() => rmSync(runsDir, { recursive: true, force: true }));

/** Each row computed once, by one process, and metrics.jsonl equal to an uninterrupted run. */
function expectRanOnceAndExact(config: ToyConfig) {
  const dir = cellDir(runsDir, toyCell(config));
  expect(readMetrics(dir)).toEqual(expectedMetrics(config));
  const rows = readExecutions(dir).map(([, row]) => row);
  expect(rows).toEqual(Array.from({ length: config.rows }, (_, row) => row));
}

describe('runLocal', () => {
  it('runs cells on a pool of 2, records a failed cell without stopping the others, reports progress', async () => {
    const good = [1, 2, 3].map((seed) => ({ seed, rows: 5, sleepMs: 30 }));
    const bad = { seed: 9, rows: 5, sleepMs: 30, failAlways: true };
    const events: LocalProgress[] = [];
    const summary = await runLocal([...good, bad].map(toyCell), {
      runsDir,
      jobs: 2,
      runner: toyRunner(),
      progressEveryMs: 50,
      onProgress: (progress) => events.push(progress),
    });
    expect(summary.done.sort()).toEqual(good.map((config) => toyCell(config).id).sort());
    expect(summary.failed.map((failure) => failure.id)).toEqual([toyCell(bad).id]);
    for (const config of good) expectRanOnceAndExact(config);

    const failed = readCellStatus(cellDir(runsDir, toyCell(bad)))!;
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(failed.error).toContain('program exit code 3');
    expect(failed.error).toContain('toy-cell: failing on purpose (attempt 1, seed 9)');
    expect(readFileSync(cellPaths(cellDir(runsDir, toyCell(bad))).log, 'utf8')).toContain(
      'failing on purpose',
    );

    expect(Math.max(...events.map((event) => event.running.length))).toBe(2);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ total: 4, done: 3, skipped: 0, queued: 0, running: [] });
    expect(last.failed.map((failure) => failure.id)).toEqual([toyCell(bad).id]);
    expect(events.find((event) => event.done === 0)?.etaMs).toBeNull();
    expect(events.find((event) => event.done === 1 && event.queued > 0)?.etaMs).toBeGreaterThan(0);
    expect(events.some((event) => event.running.some((cell) => (cell.progress ?? 0) > 0))).toBe(
      true,
    );
    for (const id of summary.done)
      expect(existsSync(cellPaths(cellDir(runsDir, { id })).lock)).toBe(false);

    // A second run skips what is done and tries the failed cell again.
    const again = await runLocal([...good, bad].map(toyCell), {
      runsDir,
      jobs: 2,
      runner: toyRunner(),
    });
    expect(again.skipped.sort()).toEqual(summary.done.sort());
    expect(again.done).toEqual([]);
    expect(readCellStatus(cellDir(runsDir, toyCell(bad)))).toMatchObject({
      state: 'failed',
      attempts: 2,
    });
    for (const config of good) expectRanOnceAndExact(config);
  });

  it('starts costliest cells first and runs a duplicated config once', async () => {
    const configs = [10, 30, 20].map((sleepMs, seed) => ({ seed, rows: 2, sleepMs }));
    const cells = [...configs, configs[0]].map(toyCell);
    const summary = await runLocal(cells, { runsDir, jobs: 1, runner: toyRunner() });
    expect(summary.done).toEqual([configs[1], configs[2], configs[0]].map((c) => toyCell(c).id));
  });

  it('leaves a cell alone when another process holds its run directory, naming the holder', async () => {
    const config = { seed: 4, rows: 2, sleepMs: 10 };
    const dir = cellDir(runsDir, toyCell(config));
    const lease = acquireLease(cellPaths(dir).lock, { ttlMs: 10_000 });
    try {
      const summary = await runLocal([toyCell(config)], { runsDir, jobs: 1, runner: toyRunner() });
      expect(summary.busy).toHaveLength(1);
      expect(summary.busy[0].error).toContain(`held by pid ${process.pid}`);
      expect(existsSync(join(dir, 'metrics.jsonl'))).toBe(false);
    } finally {
      lease.release();
    }
  });

  it('refuses a run directory whose cell.json describes another config, before running anything', async () => {
    const config = { seed: 5, rows: 2, sleepMs: 10 };
    const other = { seed: 8, rows: 2, sleepMs: 10 };
    const dir = cellDir(runsDir, toyCell(config));
    mkdirSync(dir, { recursive: true });
    const foreign = JSON.stringify({
      id: toyCell(config).id,
      config: { seed: 6, rows: 2, sleepMs: 10 },
    });
    writeFileSync(cellPaths(dir).cell, foreign);
    const cells = [toyCell(other), toyCell(config)];
    await expect(runLocal(cells, { runsDir, jobs: 2, runner: toyRunner() })).rejects.toThrow(
      `${cellPaths(dir).cell} describes another config`,
    );
    expect(readFileSync(cellPaths(dir).cell, 'utf8')).toBe(foreign);
    expect(existsSync(join(dir, 'metrics.jsonl'))).toBe(false);
    expect(existsSync(cellDir(runsDir, toyCell(other)))).toBe(false);
  });

  it('gives the program its arguments, environment and the lease it runs under', async () => {
    const cell = toyCell({ seed: 7, rows: 1, sleepMs: 0 });
    const summary = await runLocal([cell], {
      runsDir,
      jobs: 1,
      runner: {
        module: fixture('echo-cell.mjs'),
        args: ({ runDir, cellFile, cell }) => [
          '--out',
          runDir,
          '--config',
          cellFile,
          '--id',
          cell.id,
        ],
        env: { ECHO_EXTRA: 'from-runner' },
      },
    });
    expect(summary.done).toEqual([cell.id]);
    const dir = cellDir(runsDir, cell);
    expect(JSON.parse(readFileSync(join(dir, 'echo.json'), 'utf8'))).toEqual({
      args: ['--out', dir, '--config', cellPaths(dir).cell, '--id', cell.id],
      extra: 'from-runner',
      // The program joined its engine's lease instead of finding its own directory busy.
      inherited: true,
      held: true,
    });
    expect(JSON.parse(readFileSync(cellPaths(dir).cell, 'utf8'))).toEqual({
      id: cell.id,
      config: cell.config,
    });
  });

  it('refuses a missing program and a bad job count before starting anything', async () => {
    await expect(
      runLocal([], { runsDir, jobs: 1, runner: { module: join(runsDir, 'nope.js') } }),
    ).rejects.toThrow(`cell program ${join(runsDir, 'nope.js')} does not exist`);
    await expect(runLocal([], { runsDir, jobs: 0, runner: toyRunner() })).rejects.toThrow(
      'jobs must be an integer >= 1, got 0',
    );
  });
});

describe('runLocal in a process of its own, stopped', () => {
  const configs = [
    { seed: 11, rows: 20, sleepMs: 100 },
    { seed: 12, rows: 20, sleepMs: 100 },
  ];
  const start = (...mode: string[]) =>
    startNode(fixture('local-run.mjs'), [runsDir, '2', JSON.stringify(configs), ...mode]);
  const checkpointed = (config: ToyConfig) => {
    const path = join(cellDir(runsDir, toyCell(config)), 'checkpoint.json');
    return existsSync(path) && JSON.parse(readFileSync(path, 'utf8')).rows >= 3;
  };
  const programPids = () =>
    configs.flatMap((config) => {
      const log = join(cellDir(runsDir, toyCell(config)), 'executions.log');
      return existsSync(log)
        ? readExecutions(cellDir(runsDir, toyCell(config))).map(([pid]) => pid)
        : [];
    });

  it('SIGINT stops the programs cleanly (exit 130); a rerun resumes without repeating a row', async () => {
    const run = start();
    await waitUntil(() => configs.every(checkpointed), 'both cells to checkpoint 3 rows');
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
    for (const pid of new Set(programPids())) expect(processAlive(pid)).toBe(false);
    for (const config of configs) {
      const dir = cellDir(runsDir, toyCell(config));
      expect(readCellStatus(dir)?.state).toBe('interrupted');
      expect(readLease(cellPaths(dir).lock)).toBeNull();
      expect(readMetrics(dir).length).toBeLessThan(config.rows);
    }
    const summary = await runLocal(configs.map(toyCell), { runsDir, jobs: 2, runner: toyRunner() });
    expect(summary.done).toHaveLength(2);
    // SIGTERM let each program finish its row and checkpoint: no row was computed twice.
    for (const config of configs) expectRanOnceAndExact(config);
  });

  it('SIGTERM with no signal given: runLocal stops the programs, then the process ends by SIGTERM', async () => {
    const run = start('--default-signals');
    await waitUntil(() => configs.every(checkpointed), 'both cells to checkpoint 3 rows');
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGTERM' });
    for (const pid of new Set(programPids())) expect(processAlive(pid)).toBe(false);
    for (const config of configs) {
      const dir = cellDir(runsDir, toyCell(config));
      expect(readCellStatus(dir)?.state).toBe('interrupted');
      expect(readLease(cellPaths(dir).lock)).toBeNull();
    }
  });

  it('kill -9 of the engine: its programs stop by themselves, a rerun takes over and resumes', async () => {
    const run = start();
    await waitUntil(() => configs.every(checkpointed), 'both cells to checkpoint 3 rows');
    const pids = new Set(programPids());
    expect(pids.size).toBe(2);
    run.child.kill('SIGKILL');
    await run.exited;
    await waitUntil(
      () => [...pids].every((pid) => !processAlive(pid)),
      'the orphaned programs to stop',
      5000,
    );
    const summary = await runLocal(configs.map(toyCell), { runsDir, jobs: 2, runner: toyRunner() });
    expect(summary.done).toHaveLength(2);
    for (const config of configs) {
      const dir = cellDir(runsDir, toyCell(config));
      expect(readMetrics(dir)).toEqual(expectedMetrics(config));
      expect(readCellStatus(dir)).toMatchObject({ state: 'done', attempts: 2 });
    }
  });
});

describe('estimateEta', () => {
  it('uses the cost-weighted speed of finished cells (hand-computed cases)', () => {
    const finished = [
      { cost: 1, durationMs: 1000 },
      { cost: 2, durationMs: 2000 },
    ]; // 1000 ms per unit of cost
    // Running: 2000 - 500 = 1500 left; queued 3 units = 3000; work 4500 over 2 jobs = 2250.
    expect(
      estimateEta({ finished, running: [{ cost: 2, elapsedMs: 500 }], queuedCost: 3, jobs: 2 }),
    ).toBe(2250);
    // Nothing queued: the longest running cell bounds it (4000 - 1000 = 3000 > 3500 / 2).
    expect(
      estimateEta({
        finished,
        running: [
          { cost: 4, elapsedMs: 1000 },
          { cost: 1, elapsedMs: 500 },
        ],
        queuedCost: 0,
        jobs: 2,
      }),
    ).toBe(3000);
    // A cell running longer than predicted counts as nearly done, not negative.
    expect(
      estimateEta({ finished, running: [{ cost: 1, elapsedMs: 5000 }], queuedCost: 0, jobs: 1 }),
    ).toBe(0);
    expect(estimateEta({ finished: [], running: [], queuedCost: 5, jobs: 1 })).toBeNull();
  });
});
