/**
 * Steps N environments in worker threads. Each worker hosts a share of the environments (round
 * robin) with its own MuJoCo module; results equal stepping the same configs in one thread.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type SimulatorState, type TimeStep, validator } from '@vmbrl/core';
import type { EnvConfig } from './make.js';
import type { ScoreJob } from './oracle/score.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

/** A request without its id (distributes over the union of request kinds). */
type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** Finds the built worker entry: next to this module (dist) or in ../dist when run from src. */
export function resolveWorkerFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'worker.js'), join(here, '..', 'dist', 'worker.js')];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(
    `VectorEnv needs the built worker (tried ${candidates.join(', ')}); build it with: npx turbo run build --filter=@vmbrl/envs`,
  );
}

class EnvWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(file: string) {
    this.worker = new Worker(file);
    this.worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new Error(reply.error));
    });
    this.worker.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  request<T>(msg: Request): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Options of `VectorEnv.create`. */
export interface VectorEnvOptions {
  /** Worker threads (default: min(#envs, 2)). */
  workers?: number;
}

/** N environments stepped in parallel worker threads. */
export class VectorEnv {
  private constructor(
    private readonly workers: EnvWorker[],
    /** For env i: [worker index, index inside that worker]. */
    private readonly placement: Array<[number, number]>,
    readonly configs: EnvConfig[],
  ) {}

  /** Starts the workers and builds every environment. */
  static async create(configs: EnvConfig[], opts: VectorEnvOptions = {}): Promise<VectorEnv> {
    if (configs.length === 0) throw new Error('VectorEnv needs at least one env config');
    const n = Math.min(
      configs.length,
      validator('VectorEnv').integer('workers', opts.workers ?? 2, 1),
    );
    const file = resolveWorkerFile();
    const workers = Array.from({ length: n }, () => new EnvWorker(file));
    const shares: EnvConfig[][] = workers.map(() => []);
    const placement: Array<[number, number]> = configs.map((c, i) => {
      const w = i % n;
      shares[w].push(c);
      return [w, shares[w].length - 1];
    });
    try {
      await Promise.all(workers.map((w, k) => w.request({ type: 'init', configs: shares[k] })));
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    return new VectorEnv(workers, placement, configs);
  }

  /** Number of environments. */
  get size(): number {
    return this.placement.length;
  }

  /** Splits per-env values into per-worker lists. */
  private split<T>(values: T[]): T[][] {
    const out: T[][] = this.workers.map(() => []);
    this.placement.forEach(([w, j], i) => {
      out[w][j] = values[i];
    });
    return out;
  }

  /** Gathers per-worker results back into env order. */
  private gather<T>(perWorker: T[][]): T[] {
    return this.placement.map(([w, j]) => perWorker[w][j]);
  }

  private checkLength(what: string, n: number): void {
    if (n !== this.size)
      throw new Error(`${what} has ${n} entries; this VectorEnv has ${this.size} envs`);
  }

  /** Resets every env (optionally with one seed per env). */
  async reset(seeds?: Array<number | undefined>): Promise<TimeStep[]> {
    const s = seeds ?? new Array(this.size).fill(undefined);
    this.checkLength('seeds', s.length);
    const parts = this.split(s);
    const res = await Promise.all(
      this.workers.map((w, k) => w.request<TimeStep[]>({ type: 'reset', seeds: parts[k] })),
    );
    return this.gather(res);
  }

  /** Steps every env with its action. */
  async step(actions: ArrayLike<number>[]): Promise<TimeStep[]> {
    this.checkLength('actions', actions.length);
    const parts = this.split(actions.map((a) => Array.from(a)));
    const res = await Promise.all(
      this.workers.map((w, k) => w.request<TimeStep[]>({ type: 'step', actions: parts[k] })),
    );
    return this.gather(res);
  }

  /** Renders every env's camera 0. */
  async render(size = 64): Promise<Uint8Array[]> {
    const res = await Promise.all(
      this.workers.map((w) => w.request<Uint8Array[]>({ type: 'render', size })),
    );
    return this.gather(res);
  }

  /** Saves every env's simulator state. */
  async getState(): Promise<SimulatorState[]> {
    const res = await Promise.all(
      this.workers.map((w) => w.request<SimulatorState[]>({ type: 'getState' })),
    );
    return this.gather(res);
  }

  /** Restores states taken with `getState`. */
  async setState(states: SimulatorState[]): Promise<void> {
    this.checkLength('states', states.length);
    const parts = this.split(states);
    await Promise.all(
      this.workers.map((w, k) => w.request({ type: 'setState', states: parts[k] })),
    );
  }

  /**
   * Scores action sequences from a saved state on every env in parallel (the oracle planner's
   * inner loop, see `scoreSequencesOn`): env i runs `jobs[i]` (null: none) and returns its
   * candidates' returns. Each env's own state is restored afterwards.
   */
  async scoreSequences(jobs: Array<ScoreJob | null>): Promise<Array<Float32Array | null>> {
    this.checkLength('jobs', jobs.length);
    const parts = this.split(jobs);
    const res = await Promise.all(
      this.workers.map((w, k) =>
        w.request<Array<Float32Array | null>>({ type: 'score', jobs: parts[k] }),
      ),
    );
    return this.gather(res);
  }

  /** Frees the environments and stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.request({ type: 'close' }).catch(() => null)));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
