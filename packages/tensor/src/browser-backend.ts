/**
 * Backend selection in the browser: WebGPU when the browser has it and a small matrix product on
 * it matches the CPU's, else wasm (single-threaded, SIMD when available), else cpu. The wasm
 * binaries load from URLs the page gives (a bundler serves them as assets).
 */
import { registerFastConvKernels } from './kernels/register.js';
import * as tf from './tf.js';

/** Backends the browser build can run on. */
export type BrowserBackendName = 'webgpu' | 'wasm' | 'cpu';

/** Options of {@link initBrowserBackend}. */
export interface BrowserBackendOptions {
  /** Ask for one backend (falls back down the list when it cannot load). Default: webgpu. */
  prefer?: BrowserBackendName;
  /** URLs of tfjs-backend-wasm's binaries by file name, or the directory that holds them. */
  wasmPaths?: string | Record<string, string>;
}

/** What {@link initBrowserBackend} chose, and why the ones before it were skipped. */
export interface BrowserBackend {
  name: BrowserBackendName;
  /** One line for the page, e.g. "wasm (simd on)". */
  description: string;
  skipped: string[];
}

let chosen: Promise<BrowserBackend> | undefined;

/** Selects and initialises the backend once per page; later calls return the first choice. */
export function initBrowserBackend(options: BrowserBackendOptions = {}): Promise<BrowserBackend> {
  chosen ??= select(options);
  return chosen;
}

async function select(options: BrowserBackendOptions): Promise<BrowserBackend> {
  const order: BrowserBackendName[] = ['webgpu', 'wasm', 'cpu'];
  const start = order.indexOf(options.prefer ?? 'webgpu');
  const skipped: string[] = [];
  for (const name of order.slice(start)) {
    try {
      if (await tryBackend(name, options)) {
        // Our kernels (without the Node-only engine, their portable fallbacks), as in Node.
        if (name === 'wasm') registerFastConvKernels('wasm');
        return { name, description: describe(name), skipped };
      }
      skipped.push(`${name}: not available`);
    } catch (error) {
      skipped.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start in this browser: ${skipped.join('; ')}`);
}

async function tryBackend(name: BrowserBackendName, options: BrowserBackendOptions) {
  if (name === 'webgpu') {
    const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } })
      .navigator?.gpu;
    if (!gpu || !(await gpu.requestAdapter())) return false;
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) return false;
    return selfCheck();
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths as never);
    // The threaded build needs cross-origin isolation; one thread keeps results as in Node.
    wasm.setThreadsCount(1);
    return tf.setBackend('wasm');
  }
  return tf.setBackend('cpu');
}

/** A 16x16 product on the backend against the same product in plain JavaScript. */
async function selfCheck(): Promise<boolean> {
  const n = 16;
  const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 7) % 13) / 13 - 0.5);
  const got = tf.tidy(() => tf.matMul(tf.tensor2d(a, [n, n]), tf.tensor2d(a, [n, n])));
  const values = await got.data();
  got.dispose();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let want = 0;
      for (let k = 0; k < n; k++) want += (a[i * n + k] as number) * (a[k * n + j] as number);
      if (Math.abs((values[i * n + j] as number) - want) > 1e-3) return false;
    }
  }
  return true;
}

function describe(name: BrowserBackendName): string {
  if (name === 'wasm') {
    return `wasm (simd ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}, 1 thread)`;
  }
  return name === 'webgpu' ? 'webgpu' : 'cpu (pure JavaScript, slowest)';
}
