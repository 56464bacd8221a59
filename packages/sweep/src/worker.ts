/**
 * The queue engine's worker: pulls cells from BullMQ and runs each into the shared runs
 * directory through `runCell` (the run directory's lease, a child process, its status file).
 *
 * What happens on each kind of failure:
 * - the cell's program fails: recorded in the run directory, the job is retried with backoff up
 *   to its attempts, then failed with the error;
 * - a payload whose config does not validate, or does not hash to its job id: failed at once,
 *   without retries, and nothing is written;
 * - a worker dies (kill -9, machine lost): its program is stopped by its guard, the job's lock
 *   expires, BullMQ hands the job to another worker, which takes the lease once it is stale and
 *   resumes the run directory from its last checkpoint;
 * - Redis goes away: programs keep running, commands wait, the connection is retried forever;
 *   when Redis is back the results are acknowledged. If the job was handed to another worker
 *   meanwhile, that one waits for the lease and finds the cell done: nothing runs twice;
 * - the worker is asked to stop (SIGINT/SIGTERM via `signal`, or `close()`): programs get
 *   SIGTERM and checkpoint, jobs go back to the queue for another worker.
 */
import { hostname } from 'node:os';
import type { Job } from 'bullmq';
import { type Cell, cellId } from './cell.js';
import { type CellJobData, DEFAULT_QUEUE_NAME, type QueueTarget } from './queue.js';
import { checkRedis, openRedis, redactUrl, scrubPassword } from './redis.js';
import { ForeignRunDirError } from './run-dir.js';
import { type CellRunner, checkRunner, runCell } from './runner.js';

export interface WorkerOptions extends QueueTarget {
  /** The shared runs directory (`<runsDir>/<id>`). */
  runsDir: string;
  runner: CellRunner;
  /** Cells run at once by this worker (default 1). */
  concurrency?: number;
  /** Throws (or rejects) with a message saying what is wrong when a config must not run. */
  validate?: (config: unknown) => void | Promise<void>;
  /** Name shown in `status` (default `<host>:<pid>`). */
  name?: string;
  /** BullMQ job lock in ms: a dead worker's job is handed over after about this long. */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs, in ms. */
  stalledIntervalMs?: number;
  /** Times a job may be handed over after its worker died before it is failed (default 5). */
  maxStalledCount?: number;
  /** Run-directory lease time to live and renewal, in ms. */
  lease?: { ttlMs?: number; renewEveryMs?: number };
  /** How often a run directory held by someone else is looked at again, in ms (default 2 s). */
  busyPollMs?: number;
  /** How often progress is read from run directories, in ms. */
  progressEveryMs?: number;
  /** Delay before BullMQ retries a command after a connection error, in ms (default 2 s). */
  reconnectRetryMs?: number;
  /** Aborting stops the worker as `close()` does. */
  signal?: AbortSignal;
  /** Where the worker reports (default stderr). The password never reaches it. */
  log?: (line: string) => void;
}

export interface SweepWorker {
  readonly name: string;
  /** Stops: programs get SIGTERM, their jobs go back to the queue, the connection closes. */
  close(): Promise<void>;
  /** Settles when the worker has stopped. */
  readonly closed: Promise<void>;
}

/** Time allowed to hand a job back to the queue when stopping (Redis may be down). */
const REQUEUE_TIMEOUT_MS = 5000;

/**
 * The cell a job describes, or an UnrecoverableError (no retries) when its payload must not run:
 * no config, a config that does not hash to the job id, or one the validator refuses.
 */
export async function cellFromJob(
  job: Pick<Job<CellJobData>, 'id' | 'data'>,
  validate?: (config: unknown) => void | Promise<void>,
): Promise<Cell<unknown>> {
  const { UnrecoverableError } = await import('bullmq');
  const data = job.data as Partial<CellJobData> | undefined;
  if (!data || typeof data !== 'object' || !('config' in data)) {
    throw new UnrecoverableError(`job ${job.id}: its payload holds no config`);
  }
  let id: string;
  try {
    id = cellId(data.config);
  } catch (error) {
    throw new UnrecoverableError(`job ${job.id}: ${(error as Error).message}`);
  }
  if (id !== job.id) {
    throw new UnrecoverableError(
      `job ${job.id}: its config hashes to ${id}, not to its job id; refusing a payload that does not match its cell`,
    );
  }
  if (validate) {
    try {
      await validate(data.config);
    } catch (error) {
      throw new UnrecoverableError(
        `job ${job.id}: config does not validate: ${(error as Error).message}`,
      );
    }
  }
  return { id, config: data.config, cost: typeof data.cost === 'number' ? data.cost : 1 };
}

/** Starts a worker; throws QueueConnectionError (exit 1) when Redis cannot be used. */
export async function worker(url: string, options: WorkerOptions): Promise<SweepWorker> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`worker: concurrency must be an integer >= 1, got ${concurrency}`);
  }
  checkRunner(options.runner);
  await checkRedis(url, options);

  const { UnrecoverableError, WaitingError, Worker } = await import('bullmq');
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const log = (line: string) =>
    (options.log ?? ((text: string) => console.error(`[vmbrl-sweep] ${text}`)))(
      scrubPassword(line, url),
    );
  const stopping = new AbortController();
  const busyPollMs = options.busyPollMs ?? 2000;

  const processJob = async (job: Job<CellJobData>, token?: string) => {
    const cell = await cellFromJob(job, options.validate);
    let reportedBusy = false;
    for (;;) {
      const outcome = await runCell(cell, {
        runsDir: options.runsDir,
        runner: options.runner,
        signal: stopping.signal,
        lease: options.lease,
        progressEveryMs: options.progressEveryMs,
        onStart: () => log(`${cell.id}: started (attempt ${job.attemptsMade + 1})`),
        onProgress: (fraction) => {
          job.updateProgress(fraction).catch(() => {});
        },
      }).catch((error: Error) => {
        // A run directory of another config will not change by retrying.
        if (error instanceof ForeignRunDirError) throw new UnrecoverableError(error.message);
        throw error;
      });
      switch (outcome.state) {
        case 'done':
          log(`${cell.id}: done in ${(outcome.durationMs / 1000).toFixed(1)} s`);
          return { state: 'done', worker: name, durationMs: outcome.durationMs };
        case 'skipped':
          log(`${cell.id}: already done`);
          return { state: 'already-done', worker: name };
        case 'failed':
          log(`${cell.id}: failed: ${outcome.error}`);
          throw new Error(outcome.error);
        case 'busy':
        case 'lost':
          // Someone else runs it (a worker that lost Redis for a while, a local run): wait for
          // them to finish or die, then find it done or resume it.
          if (!reportedBusy) log(`${cell.id}: waiting: ${outcome.error}`);
          reportedBusy = true;
          await sleep(busyPollMs, stopping.signal);
          if (!stopping.signal.aborted) continue;
          break;
        case 'interrupted':
          break;
      }
      // Stopping: hand the job back for another worker (unless Redis is gone; then its lock
      // expires and BullMQ hands it over as a stalled job).
      const handedBack = await Promise.race([
        job.moveToWait(token).then(
          () => true,
          () => false,
        ),
        sleep(REQUEUE_TIMEOUT_MS).then(() => false),
      ]);
      log(
        handedBack
          ? `${cell.id}: handed back to the queue`
          : `${cell.id}: could not hand it back (Redis unreachable); its queue lock will lapse and BullMQ will hand it over`,
      );
      throw new WaitingError();
    }
  };

  const connection = await openRedis(url, options);
  const bull = new Worker<CellJobData>(options.queueName ?? DEFAULT_QUEUE_NAME, processJob, {
    connection,
    name,
    concurrency,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 5,
    runRetryDelay: options.reconnectRetryMs ?? 2000,
  });

  // Connection trouble is reported once per outage, not once per retry.
  let connectionDown = false;
  bull.on('error', (error) => {
    const message = scrubPassword(error.message, url);
    if (/ECONNREFUSED|ECONNRESET|Connection is closed|ETIMEDOUT|EPIPE/.test(message)) {
      if (!connectionDown) log(`lost Redis at ${redactUrl(url)} (${message}); waiting for it`);
      connectionDown = true;
      return;
    }
    if (/Missing lock for job|could not renew lock for job/.test(message)) {
      log(
        `note: ${message}: the job's queue lock lapsed (Redis away, or this worker stalled); ` +
          "BullMQ hands the job over, and the run directory's lease keeps the cell single",
      );
      return;
    }
    log(`error: ${message}`);
  });
  connection.on('ready', () => {
    if (connectionDown) log(`Redis at ${redactUrl(url)} is back`);
    connectionDown = false;
  });

  let closing: Promise<void> | undefined;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const close = () => {
    closing ??= (async () => {
      stopping.abort();
      await bull.close();
      connection.disconnect();
      log('stopped');
      resolveClosed();
    })();
    return closing;
  };
  options.signal?.addEventListener('abort', () => void close(), { once: true });
  if (options.signal?.aborted) void close();

  log(
    `worker ${name} on ${redactUrl(url)} queue ${options.queueName ?? DEFAULT_QUEUE_NAME}, ` +
      `${concurrency} at a time, runs in ${options.runsDir}`,
  );
  return { name, close, closed };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
