/**
 * The disk-space guard (issue 15: never lose a run): before a run writes an episode or a
 * checkpoint it checks the free space of its directory's filesystem and stops cleanly, before
 * writing anything, when less than max(256 MB, 4 x the last checkpoint) is free. A full disk
 * met mid-write would leave a half-written file; this stop leaves the last checkpoint whole.
 */
import { readdirSync, statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { FileError } from '@vmbrl/core';

/** The least free space a run writes into, whatever its checkpoint's size. */
export const MIN_FREE_BYTES = 256 * 2 ** 20;
/** Replaces the measured free bytes (tests exercise the guard without filling a disk). */
export const FREE_BYTES_ENV = 'VMBRL_TEST_FREE_BYTES';

/** Too little free space to write the run's next episode and checkpoint. */
export class DiskSpaceError extends FileError {
  override name = 'DiskSpaceError';
}

/** Bytes available to this user on the filesystem of `dir` (or `VMBRL_TEST_FREE_BYTES`). */
export function freeBytes(dir: string): number {
  const override = process.env[FREE_BYTES_ENV];
  if (override !== undefined && override !== '') {
    const bytes = Number(override);
    if (!Number.isFinite(bytes) || bytes < 0) {
      throw new Error(`${FREE_BYTES_ENV}=${override} is not a byte count >= 0`);
    }
    return bytes;
  }
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/** Total size of the files under `dir` (0 when it does not exist). */
export function directoryBytes(dir: string): number {
  let total = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** Free bytes a run needs before writing: max(256 MB, 4 x its last checkpoint's size). */
export function requiredFreeBytes(lastCheckpointBytes: number): number {
  return Math.max(MIN_FREE_BYTES, 4 * lastCheckpointBytes);
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/**
 * Throws {@link DiskSpaceError} when the filesystem of the run directory `out` has less free
 * space than {@link requiredFreeBytes}; called before each episode and checkpoint is written.
 */
export function ensureDiskSpace(out: string, lastCheckpointBytes: number): void {
  const free = freeBytes(out);
  const needed = requiredFreeBytes(lastCheckpointBytes);
  if (free >= needed) return;
  throw new DiskSpaceError(
    out,
    `only ${mb(free)} free on its filesystem, below the ${mb(needed)} a run needs to write (max of 256 MB and 4 x the last checkpoint's ${mb(lastCheckpointBytes)}); stopped before writing, the last checkpoint stands: free some space and run the same command to resume`,
  );
}
