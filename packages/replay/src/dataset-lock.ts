/**
 * One writer per dataset directory at a time: collectors, splits and imports each rewrite
 * `manifest.json`, and two of them at once would lose each other's entries. The lock is a file
 * created exclusively (`wx`); a lock left by a process that died on this host is taken over.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DatasetUsageError } from './dataset-errors';

export const LOCK_FILE = 'writer.lock';

interface LockOwner {
  pid: number;
  host: string;
  purpose: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined; // vanished or half-written: treated as held, reported without details
  }
}

/** The lock on one dataset directory; {@link DatasetLock.release} it when done. */
export class DatasetLock {
  private released = false;

  private constructor(readonly path: string) {}

  /** Takes the lock of `dir` (which must exist) for `purpose` (shown to a second writer). */
  static acquire(dir: string, purpose: string): DatasetLock {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new DatasetUsageError(`${dir}: no such dataset directory`);
    }
    const path = join(dir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      let fd: number;
      try {
        fd = openSync(path, 'wx');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = readOwner(path);
        if (owner && owner.host === hostname() && !alive(owner.pid) && attempt === 0) {
          rmSync(path, { force: true }); // its writer died; whatever it wrote is atomic
          continue;
        }
        const who = owner
          ? `pid ${owner.pid} on ${owner.host} (${owner.purpose}, since ${owner.since})`
          : 'another process';
        throw new DatasetUsageError(
          `${dir} is being written by ${who}; one writer at a time (remove ${path} only if that process is gone)`,
        );
      }
      const owner: LockOwner = {
        pid: process.pid,
        host: hostname(),
        purpose,
        since: new Date().toISOString(),
      };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      return new DatasetLock(path);
    }
    throw new DatasetUsageError(`${dir}: could not take ${path}`);
  }

  /** Releases the lock (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    rmSync(this.path, { force: true });
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
