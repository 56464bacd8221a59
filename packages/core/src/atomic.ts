/** Atomic file writes: a temporary file in the target's directory, fsynced, then renamed. */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FileError } from './errors.js';
import { processAlive } from './process.js';

let counter = 0;

/**
 * A temporary path beside `path`, unique per call (process, counter and random bytes:
 * concurrent writers never share one): `.<name>.tmp-<pid>-<counter>-<hex>`. The pid in the
 * name lets a later start tell an orphan (its writer is dead) from a write in progress.
 */
export function tempPathBeside(path: string): string {
  const unique = `${process.pid}-${counter++}-${randomBytes(4).toString('hex')}`;
  return join(dirname(path), `.${basename(path)}.tmp-${unique}`);
}

/** Names {@link tempPathBeside} gives; group 1 is the writer's pid. */
const TEMP_NAME = /^\..+\.tmp-(\d+)-/;

/** The pid of the writer of a temporary file named `name`, or null if it is not one. */
export function tempFileWriter(name: string): number | null {
  const match = TEMP_NAME.exec(name);
  return match ? Number(match[1]) : null;
}

/**
 * Temporary files under `dir` (recursively) whose writer is no longer running: what a process
 * killed mid-write leaves behind. Paths are relative to `dir`; a missing `dir` has none.
 */
export function orphanTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true }) as string[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => {
      const pid = tempFileWriter(basename(name));
      return pid !== null && (pid === process.pid ? false : !processAlive(pid));
    })
    .sort();
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

/**
 * Writes `data` to `path` so that a reader (or a run killed mid-write) sees either the old file
 * or the complete new one, never a partial file: the bytes go to a temporary file in the same
 * directory (same filesystem, so the rename is atomic; see {@link tempPathBeside}), are fsynced,
 * and the file is renamed over `path`; the directory is fsynced too, so the rename survives a
 * power cut. Parent directories are created.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  makeDirectory(dir);
  const tmp = tempPathBeside(path);
  try {
    writeFileSynced(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  syncDirectory(dir);
}

/**
 * Creates the folder `path` and its missing parents, one level at a time: Node's
 * `mkdirSync(path, { recursive: true })` never returns under a filesystem that refuses new
 * folders with ENOENT (e.g. `/proc/x/y` on Linux, Node 20). A folder that cannot be made is a
 * {@link FileError} naming it.
 */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      // The code stays on the error: callers explain EROFS, EACCES or ENOTDIR in their words.
      const failed = new FileError(dir, `cannot create this folder (${code ?? 'unknown error'})`);
      throw Object.assign(failed, { code });
    }
  }
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

/**
 * The JSON in `path`, or a FileError naming the file: missing, unreadable, or damaged (a
 * truncated or corrupt file says so, with the parser's words).
 */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FileError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FileError(path, `is damaged: not valid JSON (${(error as Error).message})`);
  }
}
