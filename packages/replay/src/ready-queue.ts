/**
 * The hand-off both prefetching samplers share: batches produced ahead wait in a queue, and a
 * consumer that finds none waits for the next one; the counters say how often and how long.
 */

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

/** Ready batches and waiting consumers, first in first out. */
export class ReadyQueue<T> {
  private readonly ready: T[] = [];
  private readonly waiting: { resolve: (value: T) => void; reject: (error: unknown) => void }[] =
    [];
  readonly stats: PrefetchStats = { batches: 0, waits: 0, waitMs: 0, produceMs: 0 };

  /** Batches ready now. */
  get readyCount(): number {
    return this.ready.length;
  }

  /** Consumers waiting now. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** The oldest ready batch, or a promise of the next one put. */
  take(): Promise<T> {
    const batch = this.ready.shift();
    if (batch !== undefined) {
      this.stats.batches++;
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
    });
  }

  /** Hands a produced batch to the oldest waiting consumer, or keeps it ready. */
  put(batch: T): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(batch);
    else this.ready.push(batch);
  }

  /** Rejects every waiting consumer with `error` and drops the ready batches. */
  fail(error: unknown): void {
    this.ready.length = 0;
    for (const w of this.waiting.splice(0)) w.reject(error);
  }
}
