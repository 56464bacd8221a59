/**
 * The distributed mode on BullMQ (issue 19), as commands: `worker` pulls cells from the queue
 * and runs them into a shared runs directory; `status` shows a study's cells in the queue.
 * Enqueuing is `run STUDY --queue URL` (run-command.ts). The engine is @vmbrl/sweep's; the
 * password of a Redis URL is never printed.
 */
import {
  type FlagSpec,
  type FlagValues,
  UsageError,
  helpText,
  parseCommand,
  wantsHelp,
} from '@vmbrl/core';
import {
  type QueueTarget,
  RedisUrlError,
  abortOnSignals,
  parseRedisUrl,
  redactUrl,
  status,
  worker,
} from '@vmbrl/sweep';
import { cellRunner, validateCellConfig } from './cell-config.js';
import { STUDY_FLAGS, formatDuration, openStudy, textTable } from './study-session.js';

/** Flags naming the queue inside Redis. */
export const QUEUE_FLAGS: Record<string, FlagSpec> = {
  'queue-name': {
    type: 'string',
    doc: 'BullMQ queue name (one per group of workers)',
    default: 'vmbrl-ablation',
  },
};

/** The queue flags as sweep's options. */
export function queueTarget(flags: FlagValues): QueueTarget {
  return { queueName: flags['queue-name'] as string };
}

/** The `--queue` URL, checked: a malformed one is a usage error (exit 2). */
function queueUrl(flags: FlagValues): string {
  const url = flags.queue as string | undefined;
  if (url === undefined) throw new UsageError('--queue URL is required (redis://HOST:PORT[/DB])');
  try {
    parseRedisUrl(url);
  } catch (error) {
    if (error instanceof RedisUrlError) throw new UsageError(error.message);
    throw error;
  }
  return url;
}

const WORKER_FLAGS: Record<string, FlagSpec> = {
  queue: { type: 'string', doc: 'Redis URL: redis://[:PASSWORD@]HOST:PORT[/DB] or rediss://' },
  runs: { type: 'string', doc: 'the shared runs directory the cells write' },
  concurrency: {
    type: 'int',
    doc: 'cells run at once by this worker',
    default: 1,
    min: 1,
    max: 256,
  },
  ...QUEUE_FLAGS,
  name: { type: 'string', doc: 'worker name shown by status (default HOST:PID)' },
  'lock-seconds': {
    type: 'float',
    doc: "queue lock of a job: a lost worker's cell is handed to another after about this long",
    default: 30,
    min: 1,
  },
};
const WORKER_USAGE =
  'usage: vmbrl-ablation worker --queue URL --runs DIR [--concurrency N] [--queue-name Q]';

/** Runs a worker until SIGINT/SIGTERM (its cells go back to the queue, resumable). */
export async function workerCommand(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(helpText(WORKER_USAGE, WORKER_FLAGS));
    return 0;
  }
  const { flags } = parseCommand(argv, WORKER_FLAGS);
  const url = queueUrl(flags);
  if (flags.runs === undefined)
    throw new UsageError('--runs DIR is required (the shared runs directory)');
  const stop = abortOnSignals();
  try {
    const running = await worker(url, {
      ...queueTarget(flags),
      runsDir: flags.runs as string,
      runner: cellRunner(),
      concurrency: flags.concurrency as number,
      validate: validateCellConfig,
      signal: stop.signal,
      ...(flags.name ? { name: flags.name as string } : {}),
      lockDurationMs: (flags['lock-seconds'] as number) * 1000,
      stalledIntervalMs: (flags['lock-seconds'] as number) * 1000,
      log: (line) => console.log(`[worker] ${line}`),
    });
    await running.closed;
  } finally {
    stop.dispose();
  }
  return stop.exitCode() ?? 0;
}

/**
 * A cell's error on one line: its first line (what failed, e.g. the exit code) and, when the
 * error carries the program's stderr, that stderr's last line (usually the cause).
 */
export function errorSummary(error: string): string {
  const lines = error
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length <= 1) return lines[0] ?? '';
  return `${lines[0]} … ${lines[lines.length - 1]}`;
}

const STATUS_FLAGS: Record<string, FlagSpec> = {
  ...STUDY_FLAGS,
  queue: WORKER_FLAGS.queue,
  ...QUEUE_FLAGS,
};
const STATUS_USAGE = 'usage: vmbrl-ablation status STUDY.yaml --queue URL [--queue-name Q]';

/** Prints the queue's view of the study's cells. */
export async function statusCommand(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(helpText(STATUS_USAGE, STATUS_FLAGS));
    return 0;
  }
  const { flags, positionals } = parseCommand(argv, STATUS_FLAGS, {
    min: 1,
    max: 1,
    what: 'STUDY.yaml',
  });
  const url = queueUrl(flags);
  const { plan } = openStudy(positionals[0], flags);
  const labels = new Map(
    plan.cells.filter((c) => c.cell).map((c) => [c.cell?.id, `${c.design}/${c.task}/${c.seed}`]),
  );
  const queue = await status(url, { ...queueTarget(flags), ids: plan.runnable.map((c) => c.id) });
  const now = Date.now();
  const rows: string[][] = [
    ...queue.waiting.map((j) => [
      j.id,
      'waiting',
      j.retryAt ? `retry in ${formatDuration(j.retryAt - now)}` : `priority ${j.priority}`,
    ]),
    ...queue.active.map((j) => [
      j.id,
      'active',
      `${j.worker ?? '?'} since ${j.since ? new Date(j.since).toISOString() : '?'}${j.progress === undefined ? '' : `, ${Math.round(j.progress * 100)}%`}`,
    ]),
    ...queue.done.map((j) => [
      j.id,
      'done',
      `${j.worker ?? '?'} in ${formatDuration(j.durationMs ?? null)}`,
    ]),
    ...queue.failed.map((j) => [
      j.id,
      'failed',
      `after ${j.attempts} attempt(s): ${errorSummary(j.error)}`,
    ]),
    ...queue.missing.map((id) => [id, 'not queued', '']),
  ].map(([id, state, detail]) => [labels.get(id) ?? '?', id, state, detail]);
  console.log(`study ${plan.file.spec.name} on ${redactUrl(url)} queue ${flags['queue-name']}`);
  console.log(textTable(['cell', 'id', 'state', 'detail'], rows));
  console.log(
    `waiting ${queue.waiting.length}, active ${queue.active.length}, done ${queue.done.length}, ` +
      `failed ${queue.failed.length}, retried ${queue.retried.length}, not queued ${queue.missing.length}`,
  );
  for (const r of queue.retried) {
    console.log(
      `retried ${r.id}: ${r.attempts} attempts, ${r.stalls} handed over after a worker was lost (${r.state})` +
        (r.lastError ? `; last failed attempt: ${errorSummary(r.lastError)}` : ''),
    );
  }
  return 0;
}
