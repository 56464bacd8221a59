/**
 * In-process prefetching: batches are produced ahead on the event loop (one per macrotask via
 * `setImmediate`), so whenever the trainer awaits (tfjs `data()`, env workers, I/O) the next
 * batch is assembled in the gaps and `next()` returns a ready batch. For work that must overlap
 * a trainer that never yields, use the worker-thread sampler (`WorkerDiskSampler`).
 */
import { validator } from '@vmbrl/core';
import { type PrefetchStats, ReadyQueue } from './ready-queue';

/** Options of {@link PrefetchingSampler}. */
export interface PrefetchOptions {
  /** Batches kept ready ahead of the consumer (default 2: double buffering). */
  depth?: number;
}

/**
 * Wraps a batch producer (e.g. `() => buffer.sample(B, L, rng)`) and keeps `depth` batches ready.
 * The producer is called in order, so a seeded producer yields the same sequence of batches as
 * calling it directly. Batches handed back with `recycle` are passed to the producer as `reuse`
 * (e.g. `(reuse) => buffer.sample(B, L, rng, undefined, reuse)`), so steady-state sampling
 * allocates nothing.
 */
export class PrefetchingSampler<T> {
  private readonly queue = new ReadyQueue<T>();
  private readonly pool: T[] = [];
  private scheduled = false;
  private closed = false;
  private failure: unknown = undefined;
  private readonly depth: number;
  readonly stats: PrefetchStats = this.queue.stats;

  constructor(
    private readonly produce: (reuse?: T) => T,
    options: PrefetchOptions = {},
  ) {
    this.depth = options.depth ?? 2;
    validator('PrefetchingSampler').integer('depth', this.depth, 1);
    this.schedule();
  }

  /** The next batch: immediately if one is ready, else as soon as it is produced. */
  next(): Promise<T> {
    if (this.closed) return Promise.reject(new Error('PrefetchingSampler: closed'));
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const batch = this.queue.take();
    this.schedule();
    return batch;
  }

  /** Returns a batch the consumer no longer reads, for the producer to overwrite. */
  recycle(batch: T): void {
    if (this.pool.length <= this.depth) this.pool.push(batch);
  }

  /** Number of batches ready now. */
  get readyCount(): number {
    return this.queue.readyCount;
  }

  /** Stops producing; pending `next()` calls reject. */
  close(): void {
    this.closed = true;
    this.queue.fail(new Error('PrefetchingSampler: closed'));
  }

  private schedule(): void {
    if (this.scheduled || this.closed || this.failure !== undefined) return;
    if (this.queue.readyCount >= this.depth && this.queue.waitingCount === 0) return;
    this.scheduled = true;
    setImmediate(() => this.produceOne());
  }

  private produceOne(): void {
    this.scheduled = false;
    if (this.closed) return;
    let batch: T;
    const start = performance.now();
    try {
      batch = this.produce(this.pool.pop());
    } catch (error) {
      // Keep the error for every later call: a failing producer must not be retried silently.
      this.failure = error;
      this.queue.fail(error);
      return;
    } finally {
      this.stats.produceMs += performance.now() - start;
    }
    this.queue.put(batch);
    this.schedule();
  }
}
