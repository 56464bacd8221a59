import { createRequire } from 'node:module';
import path from 'node:path';
import { registerFastConvKernels } from './kernels/register.js';
import { provideWasmEngine, wasmKernelGroups } from './kernels/wasm/backend-kernels.js';
import { WasmKernels } from './kernels/wasm/engine.js';
import * as tf from './tf.js';
import {
  defaultWasmThreads,
  parseWasmThreads,
  prepareWasmThreads,
  wasmThreadInfo,
  withReportedCores,
} from './wasm-threads.js';

// In Node our wasm kernels run on their engine (worker_threads); the browser entry has none.
provideWasmEngine(
  (heap, threads) => new WasmKernels(heap, undefined, threads ?? chosenWasmThreads),
);

/** Backends vmbrl can run on, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Backend to use; `VMBRL_BACKEND` in the environment overrides it. Default: automatic. */
  backend?: BackendName;
  /** Print the chosen backend to stderr (once per process). Default true. */
  log?: boolean;
  /**
   * Threads for XNNPACK on the wasm backend: 1 = single-threaded, up to 8, or 'auto' (the
   * machine's cores, at most 4). `VMBRL_WASM_THREADS` in the environment overrides it.
   * Default: {@link DEFAULT_WASM_THREADS_MODE}.
   */
  wasmThreads?: number | 'auto';
}

/** What `wasmThreads` is when neither the option nor `VMBRL_WASM_THREADS` sets it. */
export const DEFAULT_WASM_THREADS_MODE: number | 'auto' = 1;

const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

let chosen: Promise<BackendName> | undefined;
let chosenName: BackendName | undefined;
let chosenWasmThreads: number | undefined;
let nativeLoadErrors: string[] = [];
const otherLoadErrors: string[] = [];

/**
 * Selects and initialises the tfjs backend: `tensorflow` (native TensorFlow through
 * `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`, if the user installed one) ->
 * `wasm` -> `cpu`. `VMBRL_BACKEND` overrides `opts.backend`. Idempotent: later calls return
 * the first choice (asking for a different backend afterwards is an error). On wasm and cpu the
 * fast convolution-gradient kernels of this package are registered.
 *
 * @throws if the requested backend cannot load; the message says what to install.
 */
export function initBackend(opts: InitBackendOptions = {}): Promise<BackendName> {
  let requested: BackendName | undefined;
  let wasmThreads: number | undefined;
  try {
    requested = parseRequested(process.env.VMBRL_BACKEND, opts.backend);
    wasmThreads = parseWasmThreads(process.env.VMBRL_WASM_THREADS, opts.wasmThreads);
  } catch (error) {
    return Promise.reject(error);
  }
  if (chosen) {
    return chosen.then((name) => {
      if (requested && requested !== name) {
        throw new Error(
          `initBackend: backend '${name}' is already initialised; cannot switch to '${requested}' in the same process`,
        );
      }
      if (name === 'wasm' && wasmThreads !== undefined && wasmThreads !== chosenWasmThreads) {
        throw new Error(
          `initBackend: wasm is already running on ${chosenWasmThreads} thread(s); cannot switch to ${wasmThreads} in the same process`,
        );
      }
      return name;
    });
  }
  const threads =
    wasmThreads ??
    (DEFAULT_WASM_THREADS_MODE === 'auto' ? defaultWasmThreads() : DEFAULT_WASM_THREADS_MODE);
  chosen = selectBackend(requested, opts.log ?? true, threads).catch((error: unknown) => {
    chosen = undefined; // allow a retry with other options
    throw error;
  });
  return chosen;
}

/** The backend chosen by {@link initBackend}, or undefined before it resolved. */
export function currentBackend(): BackendName | undefined {
  return chosenName;
}

/**
 * Threads the wasm backend computes on (1 = single-threaded): our kernels' pool, or XNNPACK's
 * when our kernels are off; undefined on the other backends and before {@link initBackend}
 * resolved.
 */
export function currentWasmThreads(): number | undefined {
  return chosenName === 'wasm' ? chosenWasmThreads : undefined;
}

/**
 * Threads XNNPACK gets out of `threads`. With our kernels on, they split products and
 * convolutions across their own worker pool, and XNNPACK (tfjs' kernels for the rest, mostly
 * element-wise) runs on the calling thread: its pool of spinning threads beside ours only took
 * the cores from it (measured, 2 cores: R's planning at 2 threads took 172 ms with both pools
 * against 92 ms with ours alone, docs/PERFORMANCE.md). The threaded build still loads, for the
 * shared heap our pool needs.
 */
function xnnpackThreads(threads: number): number {
  return wasmKernelGroups().length > 0 ? 1 : threads;
}

function parseRequested(env: string | undefined, option: BackendName | undefined) {
  const raw = env !== undefined && env.trim() !== '' ? env.trim().toLowerCase() : option;
  if (raw === undefined) return undefined;
  const aliases: Record<string, BackendName> = { node: 'tensorflow', tfjs_node: 'tensorflow' };
  const name = (aliases[raw] ?? raw) as BackendName;
  if (!BACKENDS.includes(name)) {
    const source = env ? `VMBRL_BACKEND='${env}'` : `backend '${option}'`;
    throw new Error(`Unknown ${source}: allowed values are ${BACKENDS.join(', ')}`);
  }
  return name;
}

async function selectBackend(requested: BackendName | undefined, log: boolean, threads: number) {
  const order = requested ? [requested] : BACKENDS;
  for (const name of order) {
    if (await tryBackend(name, threads)) {
      chosenName = name;
      // The threads that compute: our pool's, or XNNPACK's when our kernels are off.
      if (name === 'wasm')
        chosenWasmThreads = xnnpackThreads(threads) < threads ? threads : wasmThreadInfo().threads;
      if (name !== 'tensorflow') registerFastConvKernels(name);
      if (log) process.stderr.write(`[vmbrl/tensor] backend: ${describe(name)}\n`);
      return name;
    }
  }
  throw new Error(failureMessage(requested ?? 'cpu'));
}

async function tryBackend(name: BackendName, wasmThreads: number): Promise<boolean> {
  try {
    if (name === 'tensorflow') {
      if (!(await loadNativeBinding())) return false;
      return await tf.setBackend('tensorflow');
    }
    if (name === 'wasm') {
      const wasm = await loadWasmBackend();
      prepareWasmThreads(wasm, wasmThreads, xnnpackThreads(wasmThreads));
      return await withReportedCores(wasmThreads, () => tf.setBackend('wasm'));
    }
    const ok = await tf.setBackend('cpu');
    // tfjs-backend-cpu prints an advert for tfjs-node on first use; our own log line says which
    // backend runs and the README says how to get native TensorFlow.
    if (ok) (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
    return ok;
  } catch (error) {
    (name === 'tensorflow' ? nativeLoadErrors : otherLoadErrors).push(
      `${name}: ${firstLine(error)}`,
    );
    return false;
  }
}

/**
 * Imports tfjs-node-gpu or tfjs-node, resolved from the user's project (cwd) first and from this
 * package second. Every error is caught: with pnpm the package can be present while its native
 * addon was never built.
 */
async function loadNativeBinding(): Promise<boolean> {
  if (tf.findBackend('tensorflow')) return true;
  nativeLoadErrors = [];
  const requireFromCwd = createRequire(path.join(process.cwd(), 'package.json'));
  for (const pkg of NATIVE_PACKAGES) {
    const attempts: Array<() => Promise<unknown>> = [
      async () => requireFromCwd(pkg),
      async () => import(/* @vite-ignore */ pkg),
    ];
    for (const attempt of attempts) {
      try {
        await attempt();
        if (tf.findBackend('tensorflow')) return true;
        nativeLoadErrors.push(`${pkg}: loaded but registered no 'tensorflow' backend`);
      } catch (error) {
        nativeLoadErrors.push(`${pkg}: ${firstLine(error)}`);
      }
    }
  }
  return false;
}

let wasmLoaded = false;

async function loadWasmBackend() {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (wasmLoaded) return wasm;
  // Point the loader at the package's dist directory explicitly: the default relies on
  // __dirname of its CommonJS build, which breaks when an app bundles this package.
  const require = createRequire(import.meta.url);
  const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(`${distDir}${path.sep}`);
  wasmLoaded = true;
  return wasm;
}

function describe(name: BackendName): string {
  if (name === 'wasm') {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const threads = chosenWasmThreads ?? 1;
    const how = threads > 1 ? `${threads} on worker_threads` : '1';
    return `wasm (simd ${simd ? 'on' : 'off'}, threads ${how})`;
  }
  if (name === 'cpu') return 'cpu (pure JavaScript, slowest)';
  return 'tensorflow (native TensorFlow via tfjs-node)';
}

function failureMessage(name: BackendName): string {
  if (name === 'tensorflow') {
    return [
      "Backend 'tensorflow' could not be loaded. Install native TensorFlow in your project:",
      '  npm install @tensorflow/tfjs-node@4.22.0        (CPU)',
      '  npm install @tensorflow/tfjs-node-gpu@4.22.0    (CUDA GPU, Linux)',
      'and make sure its install script ran (pnpm: allow it in onlyBuiltDependencies).',
      `Attempts: ${nativeLoadErrors.join(' | ') || 'none'}`,
    ].join('\n');
  }
  if (name === 'wasm') {
    return `Backend 'wasm' could not be loaded: reinstall @tensorflow/tfjs-backend-wasm@4.22.0 (its dist/*.wasm files are needed). ${otherLoadErrors.join(' | ')}`;
  }
  return `Backend 'cpu' could not be initialised: reinstall @tensorflow/tfjs-backend-cpu@4.22.0. ${otherLoadErrors.join(' | ')}`;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
