import { createRequire } from 'node:module';
import os from 'node:os';
import {
  Worker as NodeWorker,
  type TransferListItem,
  type WorkerOptions,
} from 'node:worker_threads';
import * as tf from './tf.js';

/**
 * Multithreaded tfjs wasm under Node.
 *
 * tfjs-backend-wasm 4.22 ships an XNNPACK build with pthreads
 * (`tfjs-backend-wasm-threaded-simd.wasm`) but its `WASM_HAS_MULTITHREAD_SUPPORT` flag is
 * false under Node (tfjs issue 3830). Its Emscripten glue does know Node (it uses
 * `worker_threads` for its pthread pool); three things stop it, and we work around each:
 *
 * 1. tfjs hands the glue the worker script and its own source as `blob:` URLs / a `Blob`,
 *    which Node's `Worker` cannot load. {@link PthreadWorker} starts the worker script from
 *    source instead (`eval`) and points its `load` message at the glue's file on disk.
 * 2. The pthread workers are `ref()`ed while they run a thread, and XNNPACK's pool threads
 *    run forever (parked on a futex), so Node would never exit. {@link PthreadWorker} keeps
 *    them unref'd: the process ends when the main thread is done, which ends the workers.
 * 3. The C++ side sizes its pool as `min(requested, logicalCores / 2)` (it assumes
 *    hyper-threading), i.e. 1 thread on a 2-core machine whatever is asked. During the
 *    backend's initialisation we report `2 * threads` logical cores to the glue.
 */

/** The Emscripten pthread pool tfjs builds has 8 workers; more would spawn extra ones. */
export const MAX_WASM_THREADS = 8;
/** Default thread count: the number of cores, capped here (more rarely pays off). */
export const DEFAULT_WASM_THREADS_CAP = 4;

const require = createRequire(import.meta.url);
const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

let workerSource: string | undefined;
let glueFile: string | undefined;

/** Source of the pthread worker script tfjs ships, runnable with `new Worker(src, {eval})`. */
function pthreadWorkerSource(): string {
  if (workerSource === undefined) {
    const file = require.resolve(
      `${WASM_PACKAGE}/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`,
    );
    const { wasmWorkerContents } = require(file) as { wasmWorkerContents: string };
    // The script is stored in a template literal, so its "\n" escapes became real newlines
    // inside string literals; tfjs escapes them back the same way before making its Blob.
    workerSource = `var __filename = ${JSON.stringify(file)};\n${wasmWorkerContents.replace(/\n/g, '\\n')}`;
  }
  return workerSource;
}

/** The threaded Emscripten glue (defines `WasmBackendModuleThreadedSimd`), as a file path. */
function threadedGlueFile(): string {
  glueFile ??= require.resolve(`${WASM_PACKAGE}/wasm-out/tfjs-backend-wasm-threaded-simd.js`);
  return glueFile;
}

/**
 * The `Worker` the Emscripten glue instantiates for each pthread: a Node worker thread
 * running tfjs' pthread worker script, never keeping the process alive.
 */
class PthreadWorker extends NodeWorker {
  constructor(_scriptUrl: string | URL, options?: WorkerOptions) {
    super(pthreadWorkerSource(), { ...options, eval: true });
    this.unref();
  }

  override postMessage(message: unknown, transferList?: readonly TransferListItem[]): void {
    const msg = message as { cmd?: string; urlOrBlob?: unknown } | null;
    if (msg?.cmd === 'load' && typeof msg.urlOrBlob !== 'string') {
      // tfjs passes the glue's source as a Blob; the worker can only import a file.
      super.postMessage({ ...msg, urlOrBlob: threadedGlueFile() }, transferList);
      return;
    }
    super.postMessage(message, transferList);
  }

  /** Ignored: a parked XNNPACK thread must not keep Node alive (see the module comment). */
  override ref(): void {}
}

let workerInstalled = false;

/**
 * Makes the global `Worker` our {@link PthreadWorker}. The glue assigns
 * `global.Worker = worker_threads.Worker` when it starts; the setter ignores that.
 */
function installPthreadWorker(): void {
  if (workerInstalled) return;
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    enumerable: false,
    get: () => PthreadWorker,
    set: () => {},
  });
  workerInstalled = true;
}

/**
 * Prepares the wasm backend (before `tf.setBackend('wasm')`) for `threads` threads: tfjs'
 * threaded build (a shared heap), with XNNPACK on `xnnpackThreads` of them (the calling thread
 * plus `xnnpackThreads - 1` workers). `threads <= 1` leaves tfjs' single-threaded build in place.
 */
export function prepareWasmThreads(
  wasmModule: { setThreadsCount(n: number): void },
  threads: number,
  xnnpackThreads = threads,
): void {
  const multithreaded = threads > 1;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', multithreaded);
  if (!multithreaded) return;
  installPthreadWorker();
  wasmModule.setThreadsCount(Math.max(1, Math.min(xnnpackThreads, threads)));
}

/**
 * Runs `init` (the wasm backend's initialisation) while Node reports `2 * threads` logical
 * cores, because tfjs' C++ caps the pool at half the logical cores. Afterwards the global
 * `Worker` stops ignoring assignments.
 */
export async function withReportedCores<T>(threads: number, init: () => Promise<T>): Promise<T> {
  if (threads <= 1) return init();
  const realCpus = os.cpus;
  const fake = 2 * threads;
  os.cpus = () => {
    const cpus = realCpus();
    return Array.from({ length: fake }, (_, i) => cpus[i % cpus.length] as os.CpuInfo);
  };
  try {
    return await init();
  } finally {
    os.cpus = realCpus;
    // The glue has made its one assignment; from now on `Worker` is an ordinary global
    // (still our class, which the glue uses if it ever needs more workers).
    if (workerInstalled) {
      Object.defineProperty(globalThis, 'Worker', {
        configurable: true,
        enumerable: false,
        writable: true,
        value: PthreadWorker,
      });
    }
  }
}

/** Cores of this machine (what `os.availableParallelism` reports). */
export function machineCores(): number {
  return typeof os.availableParallelism === 'function'
    ? os.availableParallelism()
    : os.cpus().length;
}

/**
 * Parses the wasm thread count: `VMBRL_WASM_THREADS` wins over the option. Accepts an
 * integer 1..8 or 'auto' (= {@link defaultWasmThreads}); undefined when neither is given.
 */
export function parseWasmThreads(
  env: string | undefined,
  option: number | 'auto' | undefined,
): number | undefined {
  const fromEnv = env !== undefined && env.trim() !== '';
  const raw: unknown = fromEnv ? env.trim().toLowerCase() : option;
  if (raw === undefined) return undefined;
  if (raw === 'auto') return defaultWasmThreads();
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_WASM_THREADS) {
    const source = fromEnv ? `VMBRL_WASM_THREADS='${env}'` : `wasmThreads ${String(option)}`;
    throw new Error(
      `Invalid ${source}: allowed values are an integer from 1 (single-threaded) to ${MAX_WASM_THREADS}, or 'auto'`,
    );
  }
  return value;
}

/** Default wasm threads: the machine's cores, at most {@link DEFAULT_WASM_THREADS_CAP}. */
export function defaultWasmThreads(): number {
  return Math.max(1, Math.min(machineCores(), DEFAULT_WASM_THREADS_CAP));
}

interface EmscriptenPthreads {
  PThread?: { runningWorkers: unknown[]; unusedWorkers: unknown[] };
}

/**
 * Threads XNNPACK uses on the current wasm backend (1 = single-threaded) and the number of
 * pthread workers running one of them; for logs and tests.
 */
export function wasmThreadInfo(): { threads: number; runningWorkers: number } {
  const backend = tf.findBackend('wasm') as unknown as
    | { wasm?: EmscriptenPthreads & { tfjs: { getThreadsCount(): number } } }
    | undefined;
  const module = backend?.wasm;
  if (!module) throw new Error('wasmThreadInfo: the wasm backend is not initialised');
  return {
    threads: module.tfjs.getThreadsCount(),
    runningWorkers: module.PThread?.runningWorkers.length ?? 0,
  };
}

/**
 * Replaces XNNPACK's thread pool of the running wasm backend by one of `threads` threads
 * (capped by the pool size chosen at initialisation). For tests that compare threaded with
 * serial results in one process; the old pool's threads stay parked, so call it rarely.
 */
export function replaceWasmThreadPool(threads: number): number {
  const backend = tf.findBackend('wasm') as unknown as
    | { wasm?: { tfjs: { initWithThreadsCount(n: number): void; getThreadsCount(): number } } }
    | undefined;
  if (!backend?.wasm) throw new Error('replaceWasmThreadPool: the wasm backend is not initialised');
  backend.wasm.tfjs.initWithThreadsCount(threads);
  return backend.wasm.tfjs.getThreadsCount();
}
