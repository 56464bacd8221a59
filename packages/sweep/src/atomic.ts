/**
 * Atomic file writes: a temporary file in the target's directory, fsynced, then renamed, so a
 * reader (or a process killed mid-write) sees the old file or the complete new one.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** A temporary path beside `path`, unique to this process and call. */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter++}`);
}

/** Writes `data` to a new file at `path` and fsyncs it (no rename). */
export function writeFileSynced(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(path, 'w');
  try {
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(fd, bytes, written, bytes.length - written);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` with `data` atomically; parent directories are created. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathBeside(path);
  try {
    writeFileSynced(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
