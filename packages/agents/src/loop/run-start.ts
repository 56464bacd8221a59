/**
 * What a training run does before it writes anything into its directory (issue 15: never lose
 * a run):
 * - it takes the directory's lease (`run.lock`: pid, host, purpose), so two processes never
 *   write one run; a second one is told who holds it and how to recover;
 * - it removes the temporary files of writers killed mid-write (`.open-loop.gif.tmp-<pid>-…`);
 * - it refuses files it did not write (a directory that holds no run but other files, episode
 *   files no checkpoint explains) unless `force`, which moves them aside, never deletes;
 * - it refuses to start over a run whose checkpoint is gone unless `restart`, which moves the
 *   old run's files aside under a dated name.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  LEASE_TOKEN_ENV,
  type Lease,
  LeaseBusyError,
  RUN_LOCK_FILE,
  acquireLease,
  orphanTempFiles,
} from '@vmbrl/core';
import { locateCheckpoint, readLoopState, runPaths } from './run-dir.js';

/** A run directory that cannot be used as asked; the message says what to do. */
export class RunDirectoryError extends Error {
  override name = 'RunDirectoryError';
}

/**
 * Takes the lease of the run directory `out` for `purpose`, or throws RunDirectoryError naming
 * the holder. A process started by the lease's holder (a sweep cell) joins its lease through
 * the token in `VMBRL_LEASE_TOKEN`.
 */
export function lockRunDirectory(out: string, purpose: string, onLost?: () => void): Lease {
  const path = join(out, RUN_LOCK_FILE);
  try {
    return acquireLease(path, {
      purpose,
      inheritToken: process.env[LEASE_TOKEN_ENV],
      // Two minutes: a long synchronous update or checkpoint never outlasts it.
      ttlMs: 120_000,
      onLost: onLost && (() => onLost()),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
      const why = code === 'EROFS' ? 'it is on a read-only filesystem' : 'permission denied';
      throw new RunDirectoryError(
        `cannot write the run directory ${out}: ${why} (${code}); choose a writable --out`,
      );
    }
    if (code === 'ENOTDIR' || code === 'EEXIST') {
      throw new RunDirectoryError(`cannot use ${out} as a run directory: a file is in the way`);
    }
    if (!(error instanceof LeaseBusyError)) throw error;
    const { pid, host } = error.holder;
    throw new RunDirectoryError(
      `${error.message}. One process writes a run at a time: wait for pid ${pid} to finish or stop it (kill ${pid} on ${host}), or use another --out. A holder that died is detected and its lock taken over by the next start (at once on the same host, after the lease expires on another)`,
    );
  }
}

/** Files the sweep engine keeps in a run directory it runs (see @vmbrl/sweep run-dir.ts). */
const ENGINE_FILES = ['cell.json', 'cell-status.json', 'cell.log'];
/** Where `force` and `restart` move files to: `<prefix>-<UTC time>` inside the run directory. */
const FOREIGN_PREFIX = 'foreign-';
const PREVIOUS_PREFIX = 'previous-';
/** Where `vmbrl-online doctor --repair` moves damaged files (doctor.ts). */
const QUARANTINE_PREFIX = 'quarantine-';
/** Episode files the loop writes: `<6-digit index>-<rows>.npz`. */
const EPISODE_NAME = /^(\d{6})-\d+\.npz$/;

/** Options of {@link prepareRunDirectory}. */
export interface PrepareOptions {
  /** Move files the run did not write into `foreign-<time>/` instead of refusing. */
  force?: boolean;
  /** Start over: move the run's files into `previous-<time>/` (also when its checkpoint is gone). */
  restart?: boolean;
  log?: (line: string) => void;
  /** Clock of the dated names (tests). */
  now?: Date;
}

/**
 * Readies the locked run directory `out` for a (re)start; see the file comment. Throws
 * RunDirectoryError, with nothing changed, when it would have to delete or discard files.
 */
export function prepareRunDirectory(out: string, options: PrepareOptions = {}): void {
  const log = options.log ?? (() => {});
  const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const orphans = orphanTempFiles(out);
  for (const name of orphans) rmSync(join(out, name), { force: true });
  if (orphans.length > 0) {
    log(`removed ${orphans.length} temporary file(s) of a killed writer: ${orphans.join(', ')}`);
  }

  // Starting over: everything but the lock goes aside, nothing is deleted.
  if (options.restart) {
    const files = runFiles(out);
    if (files.length > 0) {
      const aside = join(out, `${PREVIOUS_PREFIX}${stamp}`);
      moveInto(out, files, aside);
      log(`--restart: the earlier files of ${out} are in ${aside}`);
    }
    return;
  }
  const gone = checkpointGone(out);
  if (gone !== null) {
    throw new RunDirectoryError(
      `${out} holds a run whose checkpoint is gone (${gone}); resuming is impossible and starting over would discard its episodes and metrics. Nothing was changed; restore ${runPaths(out).checkpoint}/ from a backup, or pass --restart to start over with the old files kept in ${join(out, `${PREVIOUS_PREFIX}<time>`)}/`,
    );
  }

  // Files the run did not write: refused, or moved aside with --force.
  const foreign = foreignFiles(out);
  if (foreign.length === 0) return;
  if (!options.force) {
    throw new RunDirectoryError(
      `${out} holds files this run did not write: ${listed(foreign)}. Nothing was changed; move them away, use another --out, or pass --force to move them into ${join(out, `${FOREIGN_PREFIX}<time>`)}/ (never deleted)`,
    );
  }
  const aside = join(out, `${FOREIGN_PREFIX}${stamp}`);
  moveInto(out, foreign, aside);
  log(
    `--force: moved ${foreign.length} file(s) this run did not write into ${aside}: ${listed(foreign)}`,
  );
}

/**
 * Why `out` holds a run that once had a checkpoint but has none now, or null. The journal says
 * a checkpoint was written; without one (a run of an older version), episodes beyond the first
 * or metrics rows of more than one iteration say so.
 */
function checkpointGone(out: string): string | null {
  if (locateCheckpoint(out) !== null) return null;
  const journal = runPaths(out).journal;
  if (existsSync(journal)) {
    try {
      const { episodes, envSteps } = JSON.parse(readFileSync(journal, 'utf8'));
      return `${journal} records a checkpoint at episode ${episodes}, ${envSteps} env steps`;
    } catch {
      return `${journal} records a checkpoint`;
    }
  }
  const episodes = listDir(runPaths(out).episodes).filter((name) => EPISODE_NAME.test(name));
  if (episodes.some((name) => !name.startsWith('000000-'))) {
    return `${episodes.length} episode files in ${runPaths(out).episodes}`;
  }
  const metrics = runPaths(out).metrics;
  if (existsSync(metrics)) {
    const steps = new Set(
      readFileSync(metrics, 'utf8')
        .split('\n')
        .map((line) => /"step":\s*(\d+)/.exec(line)?.[1])
        .filter((step) => step !== undefined),
    );
    if (steps.size > 1) return `${metrics} has rows of ${steps.size} iterations`;
  }
  return null;
}

/**
 * Files under `out` the run did not write: in a directory holding no run, everything but the
 * lock, the engine's files and earlier set-aside folders; in a run, every entry of `episodes/`
 * that is not an episode file its checkpoint lists or the one it was writing when stopped.
 * (Other files beside a run are left alone: the run neither reads nor deletes them.)
 */
function foreignFiles(out: string): string[] {
  const paths = runPaths(out);
  if (!existsSync(paths.config)) return runFiles(out);
  const checkpoint = locateCheckpoint(out);
  const state = checkpoint ? readLoopState(checkpoint) : null;
  const listedFiles = new Set(state?.replayFiles ?? []);
  const inProgress = state?.episodes ?? 0;
  return listDir(paths.episodes)
    .filter((name) => {
      const match = EPISODE_NAME.exec(name);
      if (!match) return true;
      return !listedFiles.has(name) && Number(match[1]) !== inProgress;
    })
    .map((name) => join('episodes', name));
}

/** The entries of `out` but the lock, the engine's files and set-aside folders. */
function runFiles(out: string): string[] {
  return listDir(out).filter(
    (name) =>
      name !== RUN_LOCK_FILE &&
      !name.startsWith(`${RUN_LOCK_FILE}.`) &&
      !ENGINE_FILES.includes(name) &&
      !name.startsWith(FOREIGN_PREFIX) &&
      !name.startsWith(PREVIOUS_PREFIX) &&
      !name.startsWith(QUARANTINE_PREFIX),
  );
}

/** Moves `names` (relative to `from`) into `to`, keeping their relative paths. */
function moveInto(from: string, names: readonly string[], to: string): void {
  for (const name of names) {
    const target = join(to, name);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(join(from, name), target);
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The first ten names, and how many more. */
function listed(names: readonly string[]): string {
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}

/** The run's lease was taken by another process (it froze past the lease's expiry). */
export class LeaseLost extends Error {
  constructor(out: string) {
    super(
      `lost the lock on ${out} to another process (this one was stopped or frozen past the lease's expiry); stopped without writing; the last checkpoint stands`,
    );
    this.name = 'LeaseLost';
  }
}

/** Runs `work`; an error (a damaged file of the run) gets the way out appended. */
export async function withRepairHint<T>(out: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const message = (error as Error).message;
    (error as Error).message =
      `${message}; \`vmbrl-online doctor ${out}\` lists the run's problems, and with --repair sets damaged files aside so the run resumes`;
    throw error;
  }
}
