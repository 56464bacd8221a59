import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cellDir, cellId } from './cell.js';
import { runLocal } from './local.js';
import { type QueueStatus, costPriority, enqueue, status } from './queue.js';
import { openRedis } from './redis.js';
import { cellPaths, readCellStatus } from './run-dir.js';
import { type NodeProcess, fixture, startNode, waitUntil } from './testing/processes.js';
import { type RedisServer, startRedis } from './testing/redis-server.js';
import {
  type ToyConfig,
  expectedMetrics,
  readExecutions,
  readMetrics,
  toyCell,
  toyRunner,
} from './testing/toy.js';

// A real redis-server (password set, so the URL carries one), real worker processes running the
// built package (dist/) and the toy cell program. Short BullMQ lock and stall intervals keep the
// hand-over of a dead worker's job within seconds.
let redis: RedisServer;
let runsDir: string;
let queueName: string;
let queueCount = 0;
const workers: NodeProcess[] = [];

beforeAll(async () => {
  redis = await startRedis({ password: 'queue-pass' });
});
afterAll(() => redis?.dispose());
beforeEach(() => {
  runsDir = mkdtempSync(join(tmpdir(), 'vmbrl-queue-'));
  queueName = `test-${process.pid}-${queueCount++}`;
});
afterEach(async () => {
  for (const proc of workers.splice(0)) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
  rmSync(runsDir, { recursive: true, force: true });
});

const fast = {
  lockDurationMs: 2500,
  stalledIntervalMs: 500,
  lease: { ttlMs: 3000, renewEveryMs: 500 },
  busyPollMs: 200,
  progressEveryMs: 100,
  reconnectRetryMs: 300,
};
const enqueueOptions = () => ({ queueName, attempts: 2, backoffMs: 200 });

function startWorker(name: string, extra: Record<string, unknown> = {}): NodeProcess {
  const proc = startNode(fixture('sweep-worker.mjs'), [
    JSON.stringify({ url: redis.url, runsDir, queueName, name, ...fast, ...extra }),
  ]);
  workers.push(proc);
  return proc;
}

async function waitForQueue(check: (s: QueueStatus) => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await status(redis.url, { queueName });
    if (check(current)) return current;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; queue: ${JSON.stringify(current)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const dirOf = (config: ToyConfig) => cellDir(runsDir, toyCell(config));
const checkpointRows = (config: ToyConfig) => {
  const path = join(dirOf(config), 'checkpoint.json');
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')).rows : 0;
};

/** metrics.jsonl equals an uninterrupted run, and each row was computed exactly once. */
function expectExactlyOnce(config: ToyConfig) {
  expect(readMetrics(dirOf(config))).toEqual(expectedMetrics(config));
  const rows = readExecutions(dirOf(config)).map(([, row]) => row);
  expect(rows).toEqual(Array.from({ length: config.rows }, (_, row) => row));
}

describe('BullMQ engine against a real redis-server', () => {
  it('4 cells, 2 workers: every cell done exactly once; results equal a local jobs: 1 run', async () => {
    const configs = [1, 2, 3, 4].map((seed) => ({ seed, rows: 6, sleepMs: 40 }));
    const added = await enqueue(redis.url, configs.map(toyCell), enqueueOptions());
    expect(added.added).toHaveLength(4);
    const [a, b] = [startWorker('worker-a'), startWorker('worker-b')];
    const final = await waitForQueue((s) => s.done.length === 4, 'four cells done');
    expect(final).toMatchObject({ waiting: [], active: [], failed: [] });
    expect(new Set(final.done.map((job) => job.worker))).toSatisfy((names: Set<string>) =>
      [...names].every((name) => name === 'worker-a' || name === 'worker-b'),
    );
    for (const config of configs) {
      expectExactlyOnce(config);
      expect(readCellStatus(dirOf(config))).toMatchObject({ state: 'done', attempts: 1 });
      expect(existsSync(cellPaths(dirOf(config)).lock)).toBe(false);
    }
    // The same cells on the local pool, one at a time, into another directory.
    const localDir = join(runsDir, 'local');
    const local = await runLocal(configs.map(toyCell), {
      runsDir: localDir,
      jobs: 1,
      runner: toyRunner(),
    });
    expect(local.done).toHaveLength(4);
    for (const config of configs) {
      const id = toyCell(config).id;
      for (const file of ['metrics.jsonl', 'result.json']) {
        expect(readFileSync(join(runsDir, id, file), 'utf8')).toBe(
          readFileSync(join(localDir, id, file), 'utf8'),
        );
      }
    }
    // SIGTERM: a CLI's clean stop, exit 143.
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect((await a.exited).code).toBe(143);
    expect((await b.exited).code).toBe(143);
  });

  it('kill -9 of a worker mid-cell: another worker resumes from the checkpoint, no row lost or repeated', async () => {
    const config = { seed: 21, rows: 20, sleepMs: 100 };
    // Both workers wait for work first, so the kill cannot race a slow start of the second.
    const workersByName = new Map([
      ['worker-a', startWorker('worker-a')],
      ['worker-b', startWorker('worker-b')],
    ]);
    for (const [name, proc] of workersByName)
      await proc.waitForLine((line) => line.startsWith(`worker ${name}`));
    await enqueue(redis.url, [toyCell(config)], enqueueOptions());
    await waitUntil(() => checkpointRows(config) >= 4, 'the cell to checkpoint 4 rows');
    const during = await status(redis.url, { queueName });
    expect(during.active).toHaveLength(1);
    expect(during.active[0]).toMatchObject({ id: toyCell(config).id, attempts: 1 });
    expect(during.active[0].since).toBeLessThanOrEqual(Date.now());
    expect(during.active[0].progress).toBeGreaterThan(0);
    const victim = during.active[0].worker!;
    const survivor = victim === 'worker-a' ? 'worker-b' : 'worker-a';
    expect(workersByName.has(victim)).toBe(true);
    workersByName.get(victim)!.child.kill('SIGKILL');
    await workersByName.get(victim)!.exited;
    const rowsAtKill = checkpointRows(config);
    expect(rowsAtKill).toBeLessThan(config.rows); // killed mid-cell

    const final = await waitForQueue((s) => s.done.length === 1, `the cell done by ${survivor}`);
    expect(final.done[0].worker).toBe(survivor);
    expect(final.retried).toHaveLength(1);
    expect(final.retried[0]).toMatchObject({ id: toyCell(config).id, state: 'done', attempts: 2 });
    expect(final.retried[0].stalls).toBeGreaterThanOrEqual(1);
    expect(readMetrics(dirOf(config))).toEqual(expectedMetrics(config));
    const executions = readExecutions(dirOf(config));
    const pids = [...new Set(executions.map(([pid]) => pid))];
    expect(pids).toHaveLength(2); // the killed worker's program, then the survivor's
    // The survivor's program started at the last checkpoint (the orphaned program may have
    // finished a row after the kill, on SIGTERM from its guard), not from row 0.
    const resumedAt = executions.find(([pid]) => pid === pids[1])![1];
    expect(resumedAt).toBeGreaterThanOrEqual(rowsAtKill);
    expect(executions.map(([, row]) => row)).toEqual(
      Array.from({ length: config.rows }, (_, row) => row),
    );
    expect(readCellStatus(dirOf(config))).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('enqueuing twice and adding a cell later: no cell duplicated, only the new one queued', async () => {
    const configs = [31, 32, 33].map((seed) => ({ seed, rows: 3, sleepMs: 20 }));
    const more = { seed: 34, rows: 3, sleepMs: 20 };
    const first = await enqueue(redis.url, configs.map(toyCell), enqueueOptions());
    expect(first.added.sort()).toEqual(configs.map((c) => toyCell(c).id).sort());
    const second = await enqueue(redis.url, configs.map(toyCell), enqueueOptions());
    expect(second.added).toEqual([]);
    expect(second.existing.map((job) => job.state)).toEqual(['waiting', 'waiting', 'waiting']);
    const third = await enqueue(redis.url, [...configs, more].map(toyCell), enqueueOptions());
    expect(third.added).toEqual([toyCell(more).id]);
    expect((await status(redis.url, { queueName })).waiting).toHaveLength(4);

    startWorker('worker-a');
    await waitForQueue((s) => s.done.length === 4, 'four cells done');
    for (const config of [...configs, more]) expectExactlyOnce(config);
    const again = await enqueue(redis.url, [...configs, more].map(toyCell), enqueueOptions());
    expect(again.added).toEqual([]);
    expect(again.existing.every((job) => job.state === 'done')).toBe(true);
    const fromDisk = await enqueue(redis.url, [...configs, more].map(toyCell), {
      ...enqueueOptions(),
      runsDir,
    });
    expect(fromDisk.doneOnDisk).toHaveLength(4);
  });

  it('redis restarted while workers run: no cell lost or run twice, workers carry on', async () => {
    const configs = [41, 42, 43, 44].map((seed) => ({ seed, rows: 12, sleepMs: 100 }));
    await enqueue(redis.url, configs.map(toyCell), enqueueOptions());
    const [a, b] = [startWorker('worker-a'), startWorker('worker-b')];
    await waitUntil(
      () => configs.filter((config) => checkpointRows(config) >= 2).length === 2,
      'two cells under way',
    );
    await redis.stop();
    // Down for longer than the job lock (2.5 s): the jobs' locks lapse, so BullMQ will hand the running
    // cells to the other worker when Redis is back; the run-directory lease keeps them single.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
    await redis.start();
    const final = await waitForQueue((s) => s.done.length === 4, 'four cells done', 45_000);
    expect(final.failed).toEqual([]);
    for (const config of configs) {
      expectExactlyOnce(config);
      expect(readCellStatus(dirOf(config))).toMatchObject({ state: 'done', attempts: 1 });
    }
    const logs = [...a.lines, ...b.lines].join('\n');
    if (process.env.SHOW_LOGS) console.log(logs);
    expect(logs).toContain('lost Redis at redis://:***@127.0.0.1');
    expect(logs).toContain('is back');
    expect(logs).not.toContain('queue-pass');
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
  });

  it("a cell's own failures are retried a bounded number of times, then failed with the error", async () => {
    const flaky = { seed: 51, rows: 3, sleepMs: 20, failAttempts: 1 };
    const broken = { seed: 52, rows: 3, sleepMs: 20, failAlways: true };
    await enqueue(redis.url, [flaky, broken].map(toyCell), enqueueOptions());
    startWorker('worker-a');
    const final = await waitForQueue(
      (s) => s.done.length === 1 && s.failed.length === 1,
      'one cell done after a retry, one failed',
    );
    expectExactlyOnce(flaky);
    expect(readCellStatus(dirOf(flaky))).toMatchObject({ state: 'done', attempts: 2 });
    expect(final.failed[0]).toMatchObject({ id: toyCell(broken).id, attempts: 2 });
    expect(final.failed[0].error).toContain('program exit code 3');
    expect(final.failed[0].error).toContain('failing on purpose (attempt 2, seed 52)');
    expect(readCellStatus(dirOf(broken))).toMatchObject({ state: 'failed', attempts: 2 });
    expect(final.retried.map((job) => job.id).sort()).toEqual(
      [flaky, broken].map((c) => toyCell(c).id).sort(),
    );
    // The flaky cell succeeded on its second attempt; the first attempt's error is still shown.
    const flakyRetry = final.retried.find((job) => job.id === toyCell(flaky).id);
    expect(flakyRetry).toMatchObject({ state: 'done', attempts: 2, stalls: 0 });
    expect(flakyRetry?.lastError).toContain('failing on purpose (attempt 1, seed 51)');

    // A failed cell can be put back once its cause is fixed (here: it still fails).
    const retried = await enqueue(redis.url, [toyCell(broken)], {
      ...enqueueOptions(),
      retryFailed: true,
    });
    expect(retried.retried).toEqual([toyCell(broken).id]);
    await waitForQueue(
      (s) => s.failed.length === 1 && s.failed[0].error.includes('attempt 4'),
      'the failed cell tried twice more',
    );
  });

  it('a worker refuses payloads whose config does not validate or does not match the job id, and run directories of another config', async () => {
    const invalid = { seed: 61, rows: 0, sleepMs: 20 };
    // A valid cell whose run directory holds another config's cell.json.
    const occupied = { seed: 64, rows: 3, sleepMs: 20 };
    const foreign = JSON.stringify({ id: toyCell(occupied).id, config: { seed: 65 } });
    mkdirSync(dirOf(occupied), { recursive: true });
    writeFileSync(cellPaths(dirOf(occupied)).cell, foreign);
    await enqueue(redis.url, [toyCell(invalid), toyCell(occupied)], enqueueOptions());
    // A payload tampered with after enqueuing: its config no longer hashes to its job id.
    const connection = await openRedis(redis.url);
    const queue = new Queue(queueName, { connection });
    const tamperedId = cellId({ seed: 62, rows: 3, sleepMs: 20 });
    await queue.add(
      'cell',
      { config: { seed: 63, rows: 3, sleepMs: 20 }, cost: 1 },
      { jobId: tamperedId, attempts: 3 },
    );
    await queue.close();
    connection.disconnect();

    startWorker('worker-a');
    const final = await waitForQueue((s) => s.failed.length === 3, 'the three cells refused');
    const byId = new Map(final.failed.map((job) => [job.id, job]));
    expect(byId.get(toyCell(invalid).id)?.error).toBe(
      `job ${toyCell(invalid).id}: config does not validate: rows must be an integer >= 1, got 0`,
    );
    expect(byId.get(tamperedId)?.error).toContain(
      `its config hashes to ${cellId({ seed: 63, rows: 3, sleepMs: 20 })}`,
    );
    expect(byId.get(toyCell(occupied).id)?.error).toContain(
      `${cellPaths(dirOf(occupied)).cell} describes another config`,
    );
    expect(readFileSync(cellPaths(dirOf(occupied)).cell, 'utf8')).toBe(foreign);
    for (const job of final.failed) expect(job.attempts).toBe(1); // not retried
    expect(existsSync(join(runsDir, toyCell(invalid).id))).toBe(false);
    expect(existsSync(join(runsDir, tamperedId))).toBe(false);
  });

  it('a worker stopped with SIGTERM hands its cell back; another finishes it exactly', async () => {
    const config = { seed: 71, rows: 30, sleepMs: 100 };
    await enqueue(redis.url, [toyCell(config)], enqueueOptions());
    const a = startWorker('worker-a');
    await waitUntil(() => checkpointRows(config) >= 3, 'worker-a to checkpoint 3 rows');
    a.child.kill('SIGTERM');
    expect((await a.exited).code).toBe(143);
    expect(readCellStatus(dirOf(config))?.state).toBe('interrupted');
    const back = await status(redis.url, { queueName });
    expect(back.waiting.map((job) => job.id)).toEqual([toyCell(config).id]);
    startWorker('worker-b');
    const final = await waitForQueue((s) => s.done.length === 1, 'the cell done by worker-b');
    expect(final.done[0].worker).toBe('worker-b');
    expectExactlyOnce(config);
  });

  it('costlier cells get a higher priority (a smaller BullMQ number)', () => {
    expect(costPriority(0)).toBe(2 ** 21 - 1);
    expect(costPriority(1)).toBe(2 ** 21 - 1 - 1024);
    expect(costPriority(1023)).toBe(2 ** 21 - 1 - 10 * 1024);
    expect(costPriority(1e300)).toBeGreaterThanOrEqual(1);
    expect(costPriority(100)).toBeLessThan(costPriority(10));
  });
});
