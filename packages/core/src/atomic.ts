/** Atomic file writes: a temporary file in the target's directory, fsynced, then renamed. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/**
 * Writes `data` to `path` so that a reader (or a run killed mid-write) sees either the old file
 * or the complete new one, never a partial file: the bytes go to a temporary file in the same
 * directory (same filesystem, so the rename is atomic) whose name is unique per call (process,
 * counter and random bytes: concurrent writers never share one), are fsynced, and the file is
 * renamed over `path`; the directory is fsynced too, so the rename survives a power cut.
 * Parent directories are created.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const unique = `${process.pid}-${counter++}-${randomBytes(4).toString('hex')}`;
  const tmp = join(dir, `.${basename(path)}.tmp-${unique}`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(fd, bytes, written, bytes.length - written);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  syncDirectory(dir);
}

/** fsync of a directory (its entries); a no-op where directories cannot be opened (Windows). */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot open or sync a directory; the file itself is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
