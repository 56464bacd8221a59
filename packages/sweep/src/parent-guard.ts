/**
 * Preloaded into every cell's program (`node --import <this file> program.js`): when the engine
 * that started the program dies without stopping it (kill -9, a crash), the program is reparented
 * and its parent pid changes. A watcher thread notices within a quarter second, sends the program
 * SIGTERM (so it can checkpoint) and, after a grace period, SIGKILL. Without this guard an
 * orphaned program would keep writing its run directory while another worker, seeing the engine
 * dead, takes the run over. The watcher runs on its own thread so that a program busy in a long
 * synchronous computation is still stopped, and is unref'd so it never keeps a program alive.
 */
import { Worker } from 'node:worker_threads';

const WATCH_EVERY_MS = 250;
const grace = Number(process.env.VMBRL_SWEEP_KILL_GRACE_MS ?? 10_000);

const watcher = new Worker(
  `
  const { workerData } = require('node:worker_threads');
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    try { process.kill(workerData.pid, 'SIGTERM'); } catch {}
    setTimeout(() => { try { process.kill(workerData.pid, 'SIGKILL'); } catch {} }, workerData.grace);
  }, workerData.every);
  `,
  { eval: true, workerData: { pid: process.pid, grace, every: WATCH_EVERY_MS } },
);
watcher.unref();
