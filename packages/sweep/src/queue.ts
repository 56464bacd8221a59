/**
 * The queue engine's producer side, on BullMQ: cells become jobs whose id is the cell id (so
 * enqueuing twice never duplicates a cell), whose payload is the resolved config, and whose
 * priority follows the estimated cost. `status` reads the queue back: waiting, active (which
 * worker, since when, progress), done, failed (with the error), retried.
 */
import { existsSync } from 'node:fs';
import type { Job } from 'bullmq';
import { type Cell, cellDir } from './cell.js';
import { uniqueCells } from './local.js';
import { type RedisConnectOptions, checkRedis, openRedis } from './redis.js';
import { isCellDone } from './run-dir.js';

/** Where the queue lives in Redis. */
export interface QueueTarget extends RedisConnectOptions {
  /** BullMQ queue name (default `vmbrl-cells`); one per study keeps studies apart. */
  queueName?: string;
  /** Prefix of BullMQ's Redis keys (default `bull`). */
  prefix?: string;
}

/** What a job carries. */
export interface CellJobData {
  config: unknown;
  cost: number;
}

export const DEFAULT_QUEUE_NAME = 'vmbrl-cells';

/** BullMQ's lowest priority (priority 1 is served first). */
const PRIORITY_LIMIT = 2 ** 21 - 1;

/**
 * BullMQ priority of a cell: costlier cells get smaller numbers and are served first (longest
 * first shortens the sweep). Log scale, 1024 steps per doubling, so any cost fits the range.
 */
export function costPriority(cost: number): number {
  return Math.max(1, PRIORITY_LIMIT - Math.round(Math.log2(1 + Math.max(0, cost)) * 1024));
}

/** Opens the queue after checking the connection (a clear error if Redis is unreachable). */
export async function openQueue(url: string, target: QueueTarget = {}) {
  await checkRedis(url, target);
  const { Queue } = await import('bullmq'); // loaded on first use: the local engine never needs it
  const connection = await openRedis(url, target);
  const queue = new Queue<CellJobData>(target.queueName ?? DEFAULT_QUEUE_NAME, {
    connection,
    ...(target.prefix ? { prefix: target.prefix } : {}),
  });
  queue.on('error', () => {}); // failures surface as rejected calls
  return {
    queue,
    close: async () => {
      await queue.close();
      connection.disconnect();
    },
  };
}

export interface EnqueueOptions extends QueueTarget {
  /** Attempts per cell before it is failed for good (its own failures; default 3). */
  attempts?: number;
  /** First retry delay in ms, doubled at each retry (default 10 s). */
  backoffMs?: number;
  /** Skip cells whose run directory under `runsDir` is already done. */
  runsDir?: string;
  /** Re-queue cells whose job failed for good (e.g. after fixing their cause). */
  retryFailed?: boolean;
}

export interface EnqueueResult {
  /** Cells added now. */
  added: string[];
  /** Cells already in the queue, with their state (left as they are). */
  existing: { id: string; state: CellQueueState }[];
  /** Failed cells put back in the queue (`retryFailed`). */
  retried: string[];
  /** Cells done on disk, not enqueued (`runsDir`). */
  doneOnDisk: string[];
}

/** Adds the cells that are not in the queue yet; returns what happened to each. */
export async function enqueue<Config>(
  url: string,
  cells: Cell<Config>[],
  options: EnqueueOptions = {},
): Promise<EnqueueResult> {
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new Error(`enqueue: attempts must be an integer >= 1, got ${attempts}`);
  }
  const result: EnqueueResult = { added: [], existing: [], retried: [], doneOnDisk: [] };
  const { queue, close } = await openQueue(url, options);
  try {
    for (const cell of uniqueCells(cells)) {
      if (options.runsDir) {
        const dir = cellDir(options.runsDir, cell);
        if (existsSync(dir) && isCellDone(dir)) {
          result.doneOnDisk.push(cell.id);
          continue;
        }
      }
      const job = await queue.getJob(cell.id);
      if (job) {
        const state = await job.getState();
        if (state === 'failed' && options.retryFailed) {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          result.retried.push(cell.id);
        } else {
          result.existing.push({ id: cell.id, state: cellQueueState(state) });
        }
        continue;
      }
      // If another producer adds the same id meanwhile, BullMQ keeps the first: still one job.
      await queue.add(
        'cell',
        { config: cell.config, cost: cell.cost },
        {
          jobId: cell.id,
          priority: costPriority(cell.cost),
          attempts,
          backoff: { type: 'exponential', delay: options.backoffMs ?? 10_000 },
          removeOnComplete: false,
          removeOnFail: false,
        },
      );
      result.added.push(cell.id);
    }
  } finally {
    await close();
  }
  return result;
}

/** The queue's view of its cells. `attempts` counts the times a worker started the cell. */
export interface QueueStatus {
  /** Queued, by priority, including retries waiting for their backoff (`retryAt`). */
  waiting: { id: string; priority: number; attempts: number; retryAt?: number }[];
  active: { id: string; worker?: string; since?: number; progress?: number; attempts: number }[];
  /** `queuedAt` when the job was added, `startedAt` when a worker took it, `finishedAt` when
   * it was acknowledged (ms since the epoch): the queue's own latencies around a cell. */
  done: {
    id: string;
    worker?: string;
    queuedAt?: number;
    startedAt?: number;
    finishedAt?: number;
    durationMs?: number;
  }[];
  failed: { id: string; error: string; attempts: number; finishedAt?: number }[];
  /** Cells started more than once (retried after their own failure, handed over after their
   * worker died or stopped), whatever their state now; `lastError` is the error of the latest
   * failed attempt, which BullMQ keeps after a retry succeeds. */
  retried: {
    id: string;
    state: CellQueueState;
    attempts: number;
    stalls: number;
    lastError?: string;
  }[];
  /** Ids asked about (`ids`) that the queue does not hold. */
  missing: string[];
}

/** A job's state in the engine's words. */
export type CellQueueState = 'waiting' | 'active' | 'done' | 'failed' | 'unknown';

/** BullMQ's job states mapped to the engine's. */
export function cellQueueState(jobState: string): CellQueueState {
  if (['wait', 'waiting', 'prioritized', 'delayed', 'paused'].includes(jobState)) return 'waiting';
  if (jobState === 'completed') return 'done';
  if (jobState === 'active' || jobState === 'failed') return jobState;
  return 'unknown';
}

/** Reads the queue; with `ids`, only those cells (and which of them are missing). */
export async function status(
  url: string,
  options: QueueTarget & { ids?: string[] } = {},
): Promise<QueueStatus> {
  const { queue, close } = await openQueue(url, options);
  try {
    const wanted = options.ids ? new Set(options.ids) : null;
    const pick = (jobs: Job<CellJobData>[]) =>
      jobs.filter((job) => job?.id && (!wanted || wanted.has(job.id)));
    const [queued, delayed, active, completed, failed] = (
      await Promise.all([
        queue.getJobs(['prioritized', 'wait']),
        queue.getJobs(['delayed']),
        queue.getJobs(['active']),
        queue.getJobs(['completed']),
        queue.getJobs(['failed']),
      ])
    ).map(pick);
    const attempts = (job: Job) => job.attemptsStarted ?? 0;
    const result: QueueStatus = {
      waiting: [
        ...queued
          .sort((a, b) => a.priority - b.priority)
          .map((job) => ({ id: job.id!, priority: job.priority, attempts: attempts(job) })),
        ...delayed.map((job) => ({
          id: job.id!,
          priority: job.priority,
          attempts: attempts(job),
          retryAt: job.timestamp + job.delay,
        })),
      ],
      active: active.map((job) => ({
        id: job.id!,
        worker: job.processedBy,
        since: job.processedOn,
        progress: typeof job.progress === 'number' ? job.progress : undefined,
        attempts: attempts(job),
      })),
      done: completed.map((job) => ({
        id: job.id!,
        worker: job.processedBy,
        queuedAt: job.timestamp,
        startedAt: job.processedOn,
        finishedAt: job.finishedOn,
        durationMs: (job.returnvalue as { durationMs?: number } | null)?.durationMs,
      })),
      failed: failed.map((job) => ({
        id: job.id!,
        error: job.failedReason,
        attempts: attempts(job),
        finishedAt: job.finishedOn,
      })),
      retried: [],
      missing: [],
    };
    const byState: [CellQueueState, Job<CellJobData>[]][] = [
      ['waiting', [...queued, ...delayed]],
      ['active', active],
      ['done', completed],
      ['failed', failed],
    ];
    const seen = new Set<string>();
    for (const [state, jobs] of byState) {
      for (const job of jobs) {
        seen.add(job.id!);
        const stalls = job.stalledCounter ?? 0;
        if (attempts(job) > 1 || stalls > 0) {
          const lastError = job.failedReason || job.stacktrace?.at(-1) || undefined;
          result.retried.push({ id: job.id!, state, attempts: attempts(job), stalls, lastError });
        }
      }
    }
    result.missing = options.ids ? options.ids.filter((id) => !seen.has(id)) : [];
    return result;
  } finally {
    await close();
  }
}
