/**
 * In-process prefetching: batches are produced ahead on the event loop (one per macrotask via
 * `setImmediate`), so whenever the trainer awaits (tfjs `data()`, env workers, I/O) the next
 * batch is assembled in the gaps and `next()` returns a ready batch. For work that must overlap
 * a trainer that never yields, use the worker-thread sampler (`WorkerDiskSampler`).
 */
import { validator } from '@vmbrl/core';

/** Options of {@link PrefetchingSampler}. */
export interface PrefetchOptions {
  /** Batches kept ready ahead of the consumer (default 2: double buffering). */
  depth?: number;
}

/** Timing counters of a prefetching sampler. */
export interface PrefetchStats {
  /** Batches handed out. */
  batches: number;
  /** Calls to `next()` that found no ready batch and had to wait. */
  waits: number;
  /** Milliseconds spent inside `next()` waiting for a batch, summed. */
  waitMs: number;
  /** Milliseconds spent producing batches, summed. */
  produceMs: number;
}

/**
 * Wraps a batch producer (e.g. `() => buffer.sample(B, L, rng)`) and keeps `depth` batches ready.
 * The producer is called in order, so a seeded producer yields the same sequence of batches as
 * calling it directly. Batches handed back with `recycle` are passed to the producer as `reuse`
 * (e.g. `(reuse) => buffer.sample(B, L, rng, undefined, reuse)`), so steady-state sampling
 * allocates nothing.
 */
export class PrefetchingSampler<T> {
  private readonly ready: T[] = [];
  private readonly pool: T[] = [];
  private readonly waiting: { resolve: (value: T) => void; reject: (error: unknown) => void }[] =
    [];
  private scheduled = false;
  private closed = false;
  private failure: unknown = undefined;
  private readonly depth: number;
  readonly stats: PrefetchStats = { batches: 0, waits: 0, waitMs: 0, produceMs: 0 };

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
    const batch = this.ready.shift();
    if (batch !== undefined) {
      this.stats.batches++;
      this.schedule();
      return Promise.resolve(batch);
    }
    this.stats.waits++;
    const waitStart = performance.now();
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        resolve: (value) => {
          this.stats.waitMs += performance.now() - waitStart;
          this.stats.batches++;
          resolve(value);
        },
        reject,
      });
      this.schedule();
    });
  }

  /** Returns a batch the consumer no longer reads, for the producer to overwrite. */
  recycle(batch: T): void {
    if (this.pool.length <= this.depth) this.pool.push(batch);
  }

  /** Number of batches ready now. */
  get readyCount(): number {
    return this.ready.length;
  }

  /** Stops producing; pending `next()` calls reject. */
  close(): void {
    this.closed = true;
    this.ready.length = 0;
    for (const w of this.waiting.splice(0)) w.reject(new Error('PrefetchingSampler: closed'));
  }

  private schedule(): void {
    if (this.scheduled || this.closed || this.failure !== undefined) return;
    if (this.ready.length >= this.depth && this.waiting.length === 0) return;
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
      for (const w of this.waiting.splice(0)) w.reject(error);
      return;
    } finally {
      this.stats.produceMs += performance.now() - start;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(batch);
    else this.ready.push(batch);
    this.schedule();
  }
}
