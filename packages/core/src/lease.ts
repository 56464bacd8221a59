/**
 * A lease on a directory: a lock file that says who writes it (pid, host, token, purpose) and
 * until when. One writer at a time, whether the writers are two local processes given the same
 * output directory or two queue workers on different machines sharing a directory. Run
 * directories (trainers, the sweep engine) and datasets are locked with it.
 *
 * - Acquisition is atomic: the record is written to a private temporary file and hard-linked to
 *   the lock path; link() fails if the path exists, on local filesystems and on NFS alike.
 * - The holder renews the lease (a new expiry) every `renewEveryMs` while it works.
 * - A lease is stale when it expired (its holder stopped renewing: killed, machine lost, or
 *   stalled longer than the time to live), or when its holder ran on this host and every
 *   process it names is dead. A stale lease is broken under a short-lived second lock, after
 *   re-reading it, so two breakers never remove a fresh lease.
 * - Expiry compares wall clocks of different machines: keep them in sync (NTP); the time to live
 *   must exceed the clock skew.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { makeDirectory, tempPathBeside, writeFileAtomic, writeFileSynced } from './atomic.js';
import { processAlive } from './process.js';

/** What a lock file holds. */
export interface LeaseRecord {
  /** Unique per acquisition; whoever holds this token holds the lease. */
  token: string;
  /** Host name of the holder. */
  host: string;
  /** The holder's pid. */
  pid: number;
  /** Every process that may write the run (the holder and the children it started). */
  pids: number[];
  /** When the lease was taken (ISO time). */
  startedAt: string;
  /** When it was last renewed (ISO time). */
  renewedAt: string;
  /** When it lapses unless renewed (ms since the epoch). */
  expiresAt: number;
  /** What the holder does, for whoever finds the lock taken (e.g. `vmbrl-online train`). */
  purpose?: string;
}

export interface LeaseOptions {
  /** How long a lease lives without renewal, in ms. */
  ttlMs?: number;
  /** Renewal period in ms (default a third of the time to live). */
  renewEveryMs?: number;
  /** Host name recorded and compared (default `os.hostname()`). */
  host?: string;
  /** Token of a lease already held on our behalf (a parent process passes it down through
   * `LEASE_TOKEN_ENV`): if the lock holds it, it is joined instead of taken. */
  inheritToken?: string;
  /** Called once when a renewal finds the lease gone or taken by someone else. */
  onLost?: (holder: LeaseRecord | null) => void;
  /** What the holder does, recorded in the lock and shown to whoever finds it taken. */
  purpose?: string;
}

/** The lock file of a run directory, whoever writes the run (a trainer, the sweep engine). */
export const RUN_LOCK_FILE = 'run.lock';

/** Environment variable through which a process passes its lease token to its children. */
export const LEASE_TOKEN_ENV = 'VMBRL_LEASE_TOKEN';

/** Default time to live: long enough for a slow shared filesystem, short enough that a lost
 * machine's cells are picked up within a minute. */
export const DEFAULT_LEASE_TTL_MS = 60_000;

/** A breaker lock older than this was left by a breaker that died mid-break. */
const BREAKER_STALE_MS = 10_000;

/** The lock is held by someone alive. */
export class LeaseBusyError extends Error {
  constructor(
    readonly path: string,
    readonly holder: LeaseRecord,
  ) {
    const doing = holder.purpose ? ` (${holder.purpose})` : '';
    super(
      `${dirname(path)} is in use: held by pid ${holder.pid}${doing} on host ${holder.host} since ` +
        `${holder.startedAt} (lease renewed ${holder.renewedAt}, expires ` +
        `${new Date(holder.expiresAt).toISOString()}; lock file ${path})`,
    );
    this.name = 'LeaseBusyError';
  }
}

/** A held lease. */
export interface Lease {
  readonly path: string;
  readonly token: string;
  /** True when this lease was joined through an inherited token (the parent renews it). */
  readonly inherited: boolean;
  /** True until released or lost. */
  held(): boolean;
  /** Records processes (children) that write the run under this lease. */
  setPids(pids: number[]): void;
  /** Renews now; false when the lease was lost. */
  renew(): boolean;
  /** Removes the lock (if still ours) and stops renewing. */
  release(): void;
}

/** The record in `path`, or null when there is none. A lock file that is not a lease record is
 * an error naming the file. */
export function readLease(path: string): LeaseRecord | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const record = JSON.parse(text) as LeaseRecord;
    if (typeof record.token !== 'string' || typeof record.expiresAt !== 'number') {
      throw new Error('token or expiresAt missing');
    }
    return record;
  } catch (error) {
    throw new Error(
      `${path} is not a lease record (${(error as Error).message}); if no process uses the run, delete it`,
    );
  }
}

/** Why `record` may be taken over, or null when its holder must be presumed alive. */
export function staleReason(
  record: LeaseRecord,
  now = Date.now(),
  host = hostname(),
): string | null {
  if (record.expiresAt < now) {
    return `expired ${new Date(record.expiresAt).toISOString()}`;
  }
  const pids = record.pids?.length ? record.pids : [record.pid];
  if (record.host === host && pids.every((pid) => !processAlive(pid))) {
    return `pid ${pids.join(', ')} on this host ${pids.length > 1 ? 'are' : 'is'} dead`;
  }
  return null;
}

/**
 * Takes the lease at `path` (the lock file, e.g. `<runDir>/run.lock`), or throws
 * LeaseBusyError naming the holder. A stale lease is taken over.
 */
export function acquireLease(path: string, options: LeaseOptions = {}): Lease {
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const renewEveryMs = options.renewEveryMs ?? ttlMs / 3;
  if (!(ttlMs > 0) || !(renewEveryMs > 0) || renewEveryMs >= ttlMs) {
    throw new Error(
      `acquireLease: need 0 < renewEveryMs < ttlMs, got ttlMs ${ttlMs}, renewEveryMs ${renewEveryMs}`,
    );
  }
  const host = options.host ?? hostname();
  makeDirectory(dirname(path));

  for (let attempt = 0; ; attempt++) {
    const now = Date.now();
    const record: LeaseRecord = {
      token: randomUUID(),
      host,
      pid: process.pid,
      pids: [process.pid],
      startedAt: new Date(now).toISOString(),
      renewedAt: new Date(now).toISOString(),
      expiresAt: now + ttlMs,
      ...(options.purpose ? { purpose: options.purpose } : {}),
    };
    if (tryLink(path, record)) return heldLease(path, record, ttlMs, renewEveryMs, options.onLost);

    const holder = readLease(path);
    if (holder === null) continue; // released between our link and our read: try again
    if (options.inheritToken !== undefined && holder.token === options.inheritToken) {
      return inheritedLease(path, holder.token);
    }
    if (staleReason(holder, Date.now(), host) === null || attempt >= 5) {
      throw new LeaseBusyError(path, holder);
    }
    breakStaleLease(path, holder.token, host);
  }
}

/** Creates `path` holding `record` if it does not exist; false if it does. */
function tryLink(path: string, record: LeaseRecord): boolean {
  const tmp = tempPathBeside(path);
  writeFileSynced(tmp, JSON.stringify(record));
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') {
      throw new Error(
        `cannot lock ${path}: its filesystem does not support hard links (${code}), which the lease needs to be atomic`,
      );
    }
    throw error;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Removes the lease at `path` if it still is the stale lease `token`: under the breaker lock
 * `<path>.break`, re-read, re-check staleness, unlink. Losing the breaker race is not an error:
 * the caller simply tries again.
 */
function breakStaleLease(path: string, token: string, host: string): void {
  const breaker = `${path}.break`;
  try {
    linkBreaker(breaker);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(breaker).mtimeMs > BREAKER_STALE_MS)
        rmSync(breaker, { force: true });
    } catch {
      // gone already
    }
    return;
  }
  try {
    const current = readLease(path);
    if (current && current.token === token && staleReason(current, Date.now(), host) !== null) {
      unlinkSync(path);
    }
  } finally {
    rmSync(breaker, { force: true });
  }
}

function linkBreaker(breaker: string): void {
  const tmp = tempPathBeside(breaker);
  writeFileSynced(tmp, String(process.pid));
  try {
    linkSync(tmp, breaker);
  } finally {
    rmSync(tmp, { force: true });
  }
}

function heldLease(
  path: string,
  record: LeaseRecord,
  ttlMs: number,
  renewEveryMs: number,
  onLost?: (holder: LeaseRecord | null) => void,
): Lease {
  let held = true;
  let current = record;

  const lose = (holder: LeaseRecord | null) => {
    held = false;
    clearInterval(timer);
    onLost?.(holder);
  };
  /** Rewrites our record (new expiry, maybe new pids) if the lock still holds our token. */
  const rewrite = (change: Partial<LeaseRecord>): boolean => {
    if (!held) return false;
    let onDisk: LeaseRecord | null;
    try {
      onDisk = readLease(path);
    } catch {
      onDisk = null;
    }
    if (onDisk?.token !== record.token) {
      lose(onDisk);
      return false;
    }
    const now = Date.now();
    current = {
      ...current,
      ...change,
      renewedAt: new Date(now).toISOString(),
      expiresAt: now + ttlMs,
    };
    writeFileAtomic(path, JSON.stringify(current));
    return true;
  };
  const timer = setInterval(() => {
    try {
      rewrite({});
    } catch {
      // A transient filesystem error: the next tick tries again, and expiry covers the rest.
    }
  }, renewEveryMs);
  timer.unref();

  return {
    path,
    token: record.token,
    inherited: false,
    held: () => held,
    setPids: (pids) => {
      rewrite({ pids: [record.pid, ...pids.filter((pid) => pid !== record.pid)] });
    },
    renew: () => rewrite({}),
    release: () => {
      if (!held) return;
      held = false;
      clearInterval(timer);
      if (readLease(path)?.token === record.token) rmSync(path, { force: true });
    },
  };
}

/** A lease held by a parent on our behalf: nothing to renew or remove here. */
function inheritedLease(path: string, token: string): Lease {
  let held = true;
  return {
    path,
    token,
    inherited: true,
    held: () => held && readLease(path)?.token === token,
    setPids: () => {},
    renew: () => held && readLease(path)?.token === token,
    release: () => {
      held = false;
    },
  };
}
