/**
 * @vmbrl/sweep: run many resumable cells — child processes that each write a run directory —
 * on a local process pool or on BullMQ workers across machines, with one lease per run
 * directory (the lease itself is `@vmbrl/core`'s). Nothing here knows what a cell computes.
 */
export {
  type Cell,
  type JsonValue,
  canonicalJson,
  cellDir,
  cellId,
  isCellId,
  makeCell,
} from './cell.js';
export {
  CELL_FILE,
  type CellStatus,
  ForeignRunDirError,
  LOG_FILE,
  STATUS_FILE,
  cellPaths,
  checkCellFile,
  isCellDone,
  readCellStatus,
} from './run-dir.js';
export {
  type CellContext,
  type CellOutcome,
  type CellRunner,
  type RunCellOptions,
  runCell,
} from './runner.js';
export {
  type LocalOptions,
  type LocalProgress,
  type LocalSummary,
  byCostDescending,
  estimateEta,
  runLocal,
} from './local.js';
export { type SignalStop, abortOnSignals } from './signals.js';
export {
  QueueConnectionError,
  type RedisConnectOptions,
  RedisUrlError,
  checkRedis,
  parseRedisUrl,
  redactUrl,
} from './redis.js';
export {
  type CellJobData,
  DEFAULT_QUEUE_NAME,
  type EnqueueOptions,
  type EnqueueResult,
  type CellQueueState,
  type QueueStatus,
  type QueueTarget,
  costPriority,
  enqueue,
  status,
} from './queue.js';
export { type SweepWorker, type WorkerOptions, cellFromJob, worker } from './worker.js';
