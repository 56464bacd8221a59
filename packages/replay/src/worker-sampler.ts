/**
 * Prefetching from a disk store in a worker thread: decompression, CRC checks and file reads run
 * in parallel with the trainer (even a trainer that never yields the event loop), and finished
 * batches are transferred, not copied.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  MessageChannel,
  type MessagePort,
  Worker,
  receiveMessageOnPort,
} from 'node:worker_threads';
import {
  type ObservationKey,
  type SequenceBatch,
  type TransitionBatch,
  validator,
} from '@vmbrl/core';
import type { SplitName } from './dataset-manifest';
import { type PrefetchStats, ReadyQueue } from './ready-queue';
import { type WorkerSamplerConfig, type WorkerToMain, batchBuffers } from './worker-protocol';

/** Options of {@link WorkerDiskSampler}. */
export interface WorkerDiskSamplerOptions {
  /** Directory of `.npz` episodes, or a dataset. */
  dir: string;
  /** Only this split of a dataset (see DiskStoreOptions.split). */
  split?: SplitName;
  /** Seed of the worker's `Rng` (same seed and files -> same batches). */
  seed: number;
  batchSize: number;
  /** Chunk length L for sequences, or K for transitions. */
  length: number;
  mode?: 'sequences' | 'transitions';
  keys?: ObservationKey[];
  /** Cache of decoded episodes inside the worker, bytes. */
  cacheBytes?: number;
  /** Batches requested ahead of the consumer (default 2). */
  depth?: number;
  /** Called for every file the worker skips. */
  onSkip?: (file: string, reason: string) => void;
}

/** The built worker script: next to this module in dist/, or in dist/ when running from src/. */
function workerScript(): URL {
  for (const candidate of ['./disk-sampler-worker.js', '../dist/disk-sampler-worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(
    'WorkerDiskSampler: dist/disk-sampler-worker.js not found; build @vmbrl/replay first (npx turbo run build --filter=@vmbrl/replay)',
  );
}

/** Batches sampled from a disk store by a worker thread, `depth` batches ahead. */
export class WorkerDiskSampler<T extends SequenceBatch | TransitionBatch = SequenceBatch> {
  private readonly worker: Worker;
  /** Batches arrive on this port; `next()` drains it synchronously (`receiveMessageOnPort`), so
   * a batch that arrived while the main thread was busy is found without an event-loop turn. */
  private readonly port: MessagePort;
  private handle: (message: WorkerToMain) => void = () => {};
  private readonly queue = new ReadyQueue<T>();
  private failure: Error | undefined;
  private closed = false;
  /** Counters: batches handed out, `next()` calls that waited and for how long, worker time. */
  readonly stats: PrefetchStats = this.queue.stats;
  /** Resolves once the worker has indexed the directory. */
  readonly started: Promise<{ episodes: number; steps: number }>;

  constructor(options: WorkerDiskSamplerOptions) {
    const depth = options.depth ?? 2;
    validator('WorkerDiskSampler').integer('depth', depth, 1);
    const config: WorkerSamplerConfig = {
      dir: options.dir,
      split: options.split,
      cacheBytes: options.cacheBytes,
      seed: options.seed,
      batchSize: options.batchSize,
      length: options.length,
      mode: options.mode ?? 'sequences',
      keys: options.keys,
    };
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(workerScript(), {
      workerData: { ...config, port: channel.port2 },
      transferList: [channel.port2],
    });
    let onStarted: (value: { episodes: number; steps: number }) => void = () => {};
    let onFailed: (error: Error) => void = () => {};
    this.started = new Promise((resolve, reject) => {
      onStarted = resolve;
      onFailed = reject;
    });
    this.started.catch(() => {});
    this.handle = (message: WorkerToMain) => {
      if (message.type === 'ready') onStarted(message);
      else if (message.type === 'skip') options.onSkip?.(message.file, message.reason);
      else if (message.type === 'error') {
        this.fail(new Error(message.message));
        onFailed(this.failure!);
      } else {
        this.stats.produceMs += message.produceMs;
        this.queue.put(message.batch as T);
      }
    };
    this.port.on('message', this.handle);
    this.worker.on('error', (error) => {
      this.fail(error);
      onFailed(error);
    });
    this.worker.on('exit', (code) => {
      if (this.closed) return;
      const error = new Error(`WorkerDiskSampler: worker exited with code ${code}`);
      this.fail(error);
      onFailed(error);
    });
    this.worker.postMessage({ type: 'request', count: depth });
  }

  /** The next batch; resolves at once when the worker is ahead of the consumer. */
  next(): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('WorkerDiskSampler: closed'));
    this.worker.postMessage({ type: 'request', count: 1 });
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      this.handle(m.message as WorkerToMain);
    }
    if (this.failure) return Promise.reject(this.failure);
    return this.queue.take();
  }

  /**
   * Hands a batch the consumer no longer reads back to the worker (its buffers are transferred,
   * so the arrays become unusable here), which overwrites it instead of allocating: this keeps
   * ~30 MB per batch (B = L = 50) from being allocated and garbage-collected on every step.
   */
  recycle(batch: T): void {
    if (this.closed || this.failure) return;
    this.worker.postMessage({ type: 'recycle', batch }, batchBuffers(batch));
  }

  /** Batches ready now. */
  get readyCount(): number {
    return this.queue.readyCount;
  }

  /** Asks the worker to index files added to the directory since it started. */
  refresh(): void {
    this.worker.postMessage({ type: 'refresh' });
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.fail(new Error('WorkerDiskSampler: closed'));
    this.port.close();
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.queue.fail(error);
  }
}
