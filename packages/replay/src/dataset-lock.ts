/**
 * One writer per dataset directory at a time: collectors, splits and imports each rewrite
 * `manifest.json`, and two of them at once would lose each other's entries. The lock is
 * `@vmbrl/core`'s directory lease (`writer.lock`: pid, host, purpose), the one run directories
 * use; a lock left by a process that died on this host is taken over at once.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Lease, LeaseBusyError, acquireLease } from '@vmbrl/core';
import { DatasetUsageError } from './dataset-errors';

export const LOCK_FILE = 'writer.lock';

/**
 * Dataset work is synchronous (the lease cannot be renewed meanwhile), so the lease lasts an
 * hour; a dead holder on this host is detected by its pid long before.
 */
const DATASET_LEASE_MS = 60 * 60 * 1000;

/** The lock on one dataset directory; {@link DatasetLock.release} it when done. */
export class DatasetLock {
  private constructor(private readonly lease: Lease) {}

  get path(): string {
    return this.lease.path;
  }

  /** Takes the lock of `dir` (which must exist) for `purpose` (shown to a second writer). */
  static acquire(dir: string, purpose: string): DatasetLock {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new DatasetUsageError(`${dir}: no such dataset directory`);
    }
    const path = join(dir, LOCK_FILE);
    try {
      return new DatasetLock(acquireLease(path, { purpose, ttlMs: DATASET_LEASE_MS }));
    } catch (error) {
      if (!(error instanceof LeaseBusyError)) throw error;
      const { pid, host, startedAt } = error.holder;
      throw new DatasetUsageError(
        `${dir} is being written by pid ${pid} on ${host} (${error.holder.purpose ?? 'a writer'}, since ${startedAt}); one writer at a time: wait for it or stop it (kill ${pid} on ${host}). A writer that died is detected and its lock (${path}) taken over by the next one`,
      );
    }
  }

  /** Releases the lock (idempotent). */
  release(): void {
    this.lease.release();
  }
}

/** Runs `work` holding the lock of `dir`. */
export function withDatasetLock<T>(dir: string, purpose: string, work: () => T): T {
  const lock = DatasetLock.acquire(dir, purpose);
  try {
    return work();
  } finally {
    lock.release();
  }
}
