/**
 * Issue 19 through the built command, against a real redis-server on a free port (started by
 * @vmbrl/sweep's test helper): a study's 4 cells run by 2 workers, each cell exactly once and
 * equal to a local `--jobs 1` run; enqueuing twice and adding a seed queue only the new cells;
 * a wrong password and an unreachable host are clear errors without the password, exit 1.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RedisServer, freePort, startRedis } from '@vmbrl/sweep/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vmbrl-ablation-queue-'));
const STUDY = `name: queued
preset: debug
designs: [LTLR, oracle]
tasks: [cartpole-swingup]
seeds: [0, 1]
settings:
  maxEpisodes: 3
  episodeSteps: 6
  evalEvery: 1
`;
const study = join(dir, 'queued.yaml');
writeFileSync(study, STUDY);

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the command to its end (asynchronously, so several may run at once). */
function cli(
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const cellIds = (planOutput: string) =>
  [...planOutput.matchAll(/\b(c[0-9a-f]{16})\b/g)].map((m) => m[1]);

/** metrics.jsonl without the wall-clock fields, which differ between any two runs. */
function metricsWithoutTimes(runDir: string): unknown[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const { updatesPerSecond, planSecondsPerStep, ...row } = JSON.parse(line);
      return row;
    });
}

async function until(check: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('vmbrl-ablation on a Redis queue', () => {
  it('runs a study on 2 workers, each cell once, equal to a local run with 1 job', async () => {
    const queued = join(dir, 'runs-queue');
    const local = join(dir, 'runs-local');
    const enqueued = spawnSync(
      process.execPath,
      [CLI, 'run', study, '--queue', redis.url, '--runs', queued],
      { encoding: 'utf8' },
    );
    expect(enqueued.status).toBe(0);
    expect(enqueued.stdout).toMatch(/4 added, 0 already queued/);

    const workerLogs = ['', ''];
    const workers: ChildProcess[] = ['w1', 'w2'].map((name, i) => {
      const child = spawn(
        process.execPath,
        [CLI, 'worker', '--queue', redis.url, '--runs', queued, '--name', name],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr?.on('data', (chunk) => {
        workerLogs[i] += chunk;
      });
      return child;
    });
    const ids = cellIds((await cli('plan', study, '--runs', queued)).stdout);
    expect(ids).toHaveLength(4);
    // The local run goes at the same time (its own directory), to keep the test short.
    const localRun = cli('run', study, '--runs', local, '--jobs', '1');
    const done = (id: string) => {
      try {
        return json(join(queued, id, 'cell-status.json')).state === 'done';
      } catch {
        return false;
      }
    };
    await until(() => ids.every(done), 'the workers to finish the 4 cells');
    const status = await cli('status', study, '--queue', redis.url);
    expect(status.status).toBe(0);
    // Should a cell be retried, the message shows why: the workers' logs and the cells' logs.
    const cellLog = (id: string) => {
      try {
        return readFileSync(join(queued, id, 'cell.log'), 'utf8').slice(-3000);
      } catch {
        return '(none)';
      }
    };
    const diagnostics = [
      status.stdout,
      ...workerLogs.map((log, i) => `--- worker w${i + 1}:\n${log}`),
      ...ids.map((id) => `--- ${id}/cell.log:\n${cellLog(id)}`),
    ].join('\n');
    expect(status.stdout, diagnostics).toMatch(
      /waiting 0, active 0, done 4, failed 0, retried 0, not queued 0/,
    );
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('close', resolve))));
    expect((await localRun).status).toBe(0);

    const ranBy = new Set<string>();
    for (const id of ids) {
      const record = json(join(queued, id, 'cell-status.json'));
      expect(record.attempts).toBe(1); // done exactly once
      const log = readFileSync(join(queued, id, 'cell.log'), 'utf8');
      expect(log.match(/^--- \S+ pid \d+ on /gm)).toHaveLength(1);
      ranBy.add(`${record.host}:${record.pid}`);
      expect(metricsWithoutTimes(join(queued, id))).toEqual(metricsWithoutTimes(join(local, id)));
    }
    expect(ranBy.size).toBe(2); // both workers took cells
  }, 300_000);

  it('hands the cell of a worker killed with -9 to another, which resumes it from its checkpoint', async () => {
    const single = join(dir, 'single.yaml');
    writeFileSync(
      single,
      STUDY.replace('designs: [LTLR, oracle]', 'designs: [LTLR]')
        .replace('seeds: [0, 1]', 'seeds: [3]')
        .replace('maxEpisodes: 3', 'maxEpisodes: 6'),
    );
    const runs = join(dir, 'runs-killed');
    const local = join(dir, 'runs-uninterrupted');
    const target = ['--queue', redis.url, '--queue-name', 'killed'];
    expect((await cli('run', single, ...target, '--runs', runs)).status).toBe(0);
    const [id] = cellIds((await cli('plan', single, '--runs', runs)).stdout);
    const startWorker = (name: string) =>
      spawn(
        process.execPath,
        [CLI, 'worker', ...target, '--runs', runs, '--name', name, '--lock-seconds', '2'],
        {
          stdio: 'ignore',
        },
      );
    const uninterrupted = cli('run', single, '--runs', local);
    const first = startWorker('doomed');
    const checkpointed = () => {
      try {
        return json(join(runs, id, 'checkpoint', 'state.json')).episodes >= 3;
      } catch {
        return false;
      }
    };
    await until(checkpointed, 'the first worker to checkpoint 3 episodes');
    first.kill('SIGKILL');
    const second = startWorker('rescuer');
    await until(() => {
      try {
        return json(join(runs, id, 'cell-status.json')).state === 'done';
      } catch {
        return false;
      }
    }, 'the second worker to finish the cell');
    const status = await cli('status', single, ...target);
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('close', resolve));
    expect((await uninterrupted).status).toBe(0);

    expect(status.stdout).toMatch(/done 1, failed 0, retried 1/);
    const log = readFileSync(join(runs, id, 'cell.log'), 'utf8');
    expect(log.match(/^--- \S+ pid \d+ on /gm)).toHaveLength(2); // started twice, resumed once
    const rows = metricsWithoutTimes(join(runs, id)) as { kind: string; episode?: number }[];
    expect(rows.filter((r) => r.kind === 'episode').map((r) => r.episode)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(rows).toEqual(metricsWithoutTimes(join(local, id)));
  }, 300_000);

  it('queues each cell once: enqueuing twice adds nothing, a new seed adds only its cells', async () => {
    const runs = join(dir, 'runs-twice');
    const target = ['--queue', redis.url, '--queue-name', 'twice', '--runs', runs];
    const first = await cli('run', study, ...target);
    expect(first.stdout).toMatch(/4 added, 0 already queued/);
    const second = await cli('run', study, ...target);
    expect(second.stdout).toMatch(/0 added, 4 already queued/);
    const moreSeeds = join(dir, 'more-seeds.yaml');
    writeFileSync(moreSeeds, STUDY.replace('seeds: [0, 1]', 'seeds: [0, 1, 2]'));
    const third = await cli('run', moreSeeds, ...target);
    expect(third.stdout).toMatch(/2 added, 4 already queued/);
    const status = await cli('status', moreSeeds, '--queue', redis.url, '--queue-name', 'twice');
    expect(status.stdout).toMatch(/waiting 6, active 0, done 0, failed 0/);
  });

  it('reports a wrong password and an unreachable host by URL, without the password, exit 1', async () => {
    const locked = await startRedis({ password: 'right-horse' });
    try {
      const closed = await freePort();
      const [wrong, unreachable] = await Promise.all([
        cli('status', study, '--queue', `redis://:battery-staple@127.0.0.1:${locked.port}`),
        cli('worker', '--queue', `redis://:battery-staple@127.0.0.1:${closed}`, '--runs', dir),
      ]);
      for (const [result, port] of [
        [wrong, locked.port],
        [unreachable, closed],
      ] as const) {
        expect(result.status).toBe(1);
        expect(result.stderr).toContain(`127.0.0.1:${port}`);
        expect(result.stderr + result.stdout).not.toContain('battery-staple');
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
      }
      expect(wrong.stderr).toMatch(/password|auth/i);
    } finally {
      await locked.dispose();
    }
  });
});
