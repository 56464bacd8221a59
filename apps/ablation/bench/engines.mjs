#!/usr/bin/env node
// The local pool against BullMQ workers on one small study (issue 19's measurement):
//   node bench/engines.mjs STUDY.yaml [ROUNDS] [WORKDIR]
// Alternates, ROUNDS times: `run --jobs 2` into a fresh runs directory, then the same cells
// enqueued on a fresh redis-server (started on a free port) and run by 2 `worker` processes.
// Prints the wall-clock of each, and per queued cell the queue's own latencies: pickup (a free
// worker taking a queued job: start - max(enqueued, the worker's previous ack)), start (job taken
// -> cell program started: payload check, lease, spawn) and ack (program ended -> job
// acknowledged), from BullMQ's job times and the run directories' cell-status.json.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@vmbrl/sweep';
import { startRedis } from '@vmbrl/sweep/testing';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const [study, roundsText = '2', workText = '/tmp/vmbrl-engines-bench'] = process.argv.slice(2);
if (!study) {
  console.error('usage: node bench/engines.mjs STUDY.yaml [ROUNDS] [WORKDIR]');
  process.exit(2);
}
const rounds = Number(roundsText);
const work = resolve(workText);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const cli = (...args) => {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
};
const ids = [
  ...cli('plan', study, '--runs', join(work, 'plan')).matchAll(/\b(c[0-9a-f]{16})\b/g),
].map((m) => m[1]);
const cellStatus = (runs, id) => {
  const path = join(runs, id, 'cell-status.json');
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
};
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const redis = await startRedis();
const results = [];
try {
  for (let round = 0; round < rounds; round++) {
    const localRuns = join(work, `local-${round}`);
    let t0 = Date.now();
    cli('run', study, '--runs', localRuns, '--jobs', '2');
    const localMs = Date.now() - t0;

    const queueRuns = join(work, `queue-${round}`);
    const queueName = `bench-${round}`;
    t0 = Date.now();
    cli('run', study, '--queue', redis.url, '--queue-name', queueName, '--runs', queueRuns);
    const workers = ['w1', 'w2'].map((name) =>
      spawn(
        process.execPath,
        [
          CLI,
          'worker',
          '--queue',
          redis.url,
          '--queue-name',
          queueName,
          '--runs',
          queueRuns,
          '--name',
          name,
        ],
        { stdio: 'ignore' },
      ),
    );
    while (!ids.every((id) => cellStatus(queueRuns, id)?.state === 'done')) await sleep(100);
    // The last acknowledgement ends the queued run.
    let queue = await status(redis.url, { queueName });
    while (queue.done.length < ids.length) {
      await sleep(100);
      queue = await status(redis.url, { queueName });
    }
    const queueMs = Math.max(...queue.done.map((j) => j.finishedAt)) - t0;
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => w.once('close', r))));

    const pickup = [];
    const start = [];
    const ack = [];
    for (const worker of new Set(queue.done.map((j) => j.worker))) {
      const jobs = queue.done
        .filter((j) => j.worker === worker)
        .sort((a, b) => a.startedAt - b.startedAt);
      jobs.forEach((job, i) => {
        const cell = cellStatus(queueRuns, job.id);
        const programStart = Date.parse(cell.startedAt);
        const programEnd = Date.parse(cell.finishedAt);
        if (i > 0) pickup.push(job.startedAt - Math.max(job.queuedAt, jobs[i - 1].finishedAt));
        start.push(programStart - job.startedAt);
        ack.push(job.finishedAt - programEnd);
      });
    }
    const cellSeconds = ids.map((id) => cellStatus(localRuns, id).durationMs / 1000);
    results.push({
      round,
      localMs,
      queueMs,
      pickup,
      start,
      ack,
      localCellMedianS: median(cellSeconds),
    });
    console.log(
      `round ${round}: local --jobs 2 ${(localMs / 1000).toFixed(1)} s, 2 workers ${(queueMs / 1000).toFixed(1)} s ` +
        `(ratio ${(queueMs / localMs).toFixed(2)}); per queued cell, median ms: pickup ${median(pickup)}, ` +
        `start ${median(start)}, ack ${median(ack)}; local cell median ${median(cellSeconds).toFixed(1)} s`,
    );
  }
} finally {
  await redis.dispose();
}
console.log(JSON.stringify({ study, cells: ids.length, results }));
