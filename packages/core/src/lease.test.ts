import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseBusyError, acquireLease, readLease, staleReason } from './lease.js';
import { processAlive } from './process.js';
import { startNode, waitUntil } from './testing/processes.js';

// The takers are real processes running the built package (dist/); turbo builds before testing.
const taker = fileURLToPath(new URL('../fixtures/lease-taker.mjs', import.meta.url));

let dir: string;
let lock: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vmbrl-lease-'));
  lock = join(dir, 'run', 'run.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const take = (options: Record<string, unknown>) =>
  startNode(taker, [lock, JSON.stringify(options)]);
const firstEvent = async (proc: ReturnType<typeof take>) => {
  await proc.waitForLine((line) => line.includes('"event"'));
  return proc.events[0] as { event: string; message?: string; pid: number };
};

describe('run-directory lease between real processes', () => {
  it('two processes racing for one lock: exactly one gets it, the other is told who holds it', async () => {
    // Rounds until two in which both racers were spinning before the start time (a loaded
    // machine may start one too late for a real race): every round must have one winner.
    let onTime = 0;
    for (let round = 0; round < 5 && onTime < 2; round++) {
      rmSync(lock, { force: true });
      const startAt = Date.now() + 1500;
      const racers = [take({ startAt, holdMs: 1000 }), take({ startAt, holdMs: 1000 })];
      const events = (await Promise.all(racers.map(firstEvent))) as {
        event: string;
        message?: string;
        pid: number;
        late: boolean;
      }[];
      const winners = events.filter((event) => event.event === 'acquired');
      const losers = events.filter((event) => event.event === 'busy');
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0].message).toContain(`held by pid ${winners[0].pid} on host ${hostname()}`);
      expect(losers[0].message).toContain(lock);
      expect(readLease(lock)?.pid).toBe(winners[0].pid);
      if (events.every((event) => !event.late)) onTime++;
      for (const racer of racers) racer.child.kill('SIGKILL');
      await Promise.all(racers.map((racer) => racer.exited));
    }
    expect(onTime).toBe(2);
  });

  it('a holder killed with SIGKILL: the lock is takeable at once on the same host (dead pid)', async () => {
    const holder = take({ ttlMs: 60_000 });
    expect((await firstEvent(holder)).event).toBe('acquired');
    holder.child.kill('SIGKILL');
    await holder.exited;
    expect(processAlive(holder.pid)).toBe(false);
    expect(staleReason(readLease(lock)!)).toBe(`pid ${holder.pid} on this host is dead`);
    const next = take({ ttlMs: 60_000, holdMs: 100 });
    expect((await firstEvent(next)).event).toBe('acquired');
    await next.exited;
  });

  it('a holder on another host killed with SIGKILL: takeable only after the lease expires', async () => {
    const holder = take({ ttlMs: 1500, renewEveryMs: 300, host: 'machine-a' });
    expect((await firstEvent(holder)).event).toBe('acquired');
    holder.child.kill('SIGKILL');
    await holder.exited;
    const killedAt = Date.now();
    // machine-b cannot see machine-a's processes: the lease stands until it expires.
    expect(() => acquireLease(lock, { host: 'machine-b' })).toThrow('on host machine-a');
    const expiresAt = readLease(lock)!.expiresAt;
    expect(expiresAt).toBeGreaterThan(Date.now());
    await waitUntil(() => Date.now() > expiresAt + 20, 'the lease to expire');
    const late = take({ host: 'machine-b', holdMs: 100 });
    expect((await firstEvent(late)).event).toBe('acquired');
    expect(Date.now() - killedAt).toBeLessThan(1500 + 5000);
    await late.exited;
  });

  it('a live holder renews its lease past its time to live; released, the lock is free at once', async () => {
    const holder = take({ ttlMs: 1000, renewEveryMs: 200, host: 'machine-a', holdMs: 3000 });
    expect((await firstEvent(holder)).event).toBe('acquired');
    const firstExpiry = readLease(lock)!.expiresAt;
    await new Promise((resolve) => setTimeout(resolve, 2000)); // twice the time to live
    expect(readLease(lock)!.expiresAt).toBeGreaterThan(firstExpiry + 1000);
    expect(() => acquireLease(lock, { host: 'machine-b' })).toThrow(`held by pid ${holder.pid}`);
    await holder.waitForLine((line) => line.includes('"released"'));
    expect(readLease(lock)).toBeNull();
    const after = take({ host: 'machine-b', holdMs: 50 });
    expect((await firstEvent(after)).event).toBe('acquired');
    await Promise.all([holder.exited, after.exited]);
  });

  it('a holder frozen (SIGSTOP) past its expiry loses the lease and is told so when it wakes', async () => {
    const holder = take({ ttlMs: 800, renewEveryMs: 200, host: 'machine-a', holdMs: 30_000 });
    expect((await firstEvent(holder)).event).toBe('acquired');
    holder.child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const thief = take({ host: 'machine-b', holdMs: 30_000 });
    const thiefEvent = await firstEvent(thief);
    expect(thiefEvent.event).toBe('acquired');
    holder.child.kill('SIGCONT');
    await holder.waitForLine((line) => line.includes('"lost"'));
    expect(readLease(lock)!.pid).toBe(thief.pid);
    holder.child.kill('SIGKILL');
    thief.child.kill('SIGKILL');
    await Promise.all([holder.exited, thief.exited]);
  });

  it('a child given the holder token joins the lease instead of being refused', async () => {
    const lease = acquireLease(lock, { ttlMs: 5000 });
    const child = take({ inheritToken: lease.token, holdMs: 0 });
    const event = (await firstEvent(child)) as { event: string; inherited?: boolean };
    expect(event).toMatchObject({ event: 'acquired', inherited: true });
    await child.exited;
    expect(readLease(lock)?.token).toBe(lease.token); // the child's release left it in place
    const stranger = take({ inheritToken: 'not-the-token', holdMs: 0 });
    expect((await firstEvent(stranger)).event).toBe('busy');
    lease.release();
    expect(readLease(lock)).toBeNull();
  });
});

describe('lease in one process', () => {
  it('busy error names pid, host, start and the lock file', () => {
    const lease = acquireLease(lock, { ttlMs: 5000 });
    try {
      expect(() => acquireLease(lock)).toThrow(LeaseBusyError);
      expect(() => acquireLease(lock)).toThrow(
        new RegExp(`held by pid ${process.pid} on host ${hostname()} since \\d{4}-`),
      );
    } finally {
      lease.release();
    }
  });

  it('records the children that write under it; stale only when all of them are dead', () => {
    const lease = acquireLease(lock, { ttlMs: 5000 });
    lease.setPids([process.ppid]);
    const record = readLease(lock)!;
    expect(record.pids).toEqual([process.pid, process.ppid]);
    expect(staleReason({ ...record, pids: [999_999_999, process.ppid] })).toBeNull();
    expect(staleReason({ ...record, pids: [999_999_999] })).toContain('999999999');
    expect(staleReason({ ...record, host: 'elsewhere', pids: [999_999_999] })).toBeNull();
    expect(staleReason({ ...record, expiresAt: Date.now() - 1 })).toContain('expired');
    lease.release();
  });

  it('a lock file that is not a lease record is an error naming the file', () => {
    writeFileSync(join(dir, 'bad.lock'), 'garbage');
    expect(() => acquireLease(join(dir, 'bad.lock'))).toThrow(
      `${join(dir, 'bad.lock')} is not a lease record`,
    );
    expect(readFileSync(join(dir, 'bad.lock'), 'utf8')).toBe('garbage');
  });

  it('refuses a renewal period not below the time to live', () => {
    expect(() => acquireLease(lock, { ttlMs: 100, renewEveryMs: 100 })).toThrow(
      'need 0 < renewEveryMs < ttlMs',
    );
  });
});
