import type * as tf from '../../tf.js';
import type { WasmKernels } from './engine.js';
import type { WasmHeapModule } from './heap.js';

/**
 * Which of our wasm kernels are on, and the engine that runs them on a backend's heap.
 *
 * `VMBRL_WASM_KERNELS` picks the groups at start-up: `all` (default), `none`, or a comma list of
 * gemm (BatchMatMul, _FusedMatMul), conv (Conv2D, FusedConv2D, Conv2DBackpropFilter,
 * Conv2DBackpropInput on the implicit GEMM), direct (the same with few channels, on the direct
 * kernels of conv_direct.c), unary (Tanh, Softplus), gru (the fused GRU step), tile (Tile), sum
 * (Sum over leading axes), slice (Slice, Unpack, SplitV as heap copies). A group that is off leaves the
 * previous kernel (tfjs', or this package's older rewrite) in charge, which is how benchmarks and
 * tests compare the two.
 */
export const KERNEL_GROUPS = [
  'gemm',
  'conv',
  'direct',
  'unary',
  'gru',
  'tile',
  'sum',
  'slice',
] as const;
export type KernelGroup = (typeof KERNEL_GROUPS)[number];

/** An environment variable where there is a `process` (Node); undefined in the browser. */
function envVar(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[
    name
  ];
}

let enabled = parseKernelGroups(envVar('VMBRL_WASM_KERNELS'));

/** Makes the engine on a wasm heap; the Node entry provides it (the engine uses worker_threads). */
export type WasmEngineFactory = (heap: WasmHeapModule, threads: number | undefined) => WasmKernels;

let engineFactory: WasmEngineFactory | null = null;

/** Lets the kernels run on `factory`'s engine; without one every kernel falls back to tfjs'. */
export function provideWasmEngine(factory: WasmEngineFactory): void {
  engineFactory = factory;
}

/** Parses a `VMBRL_WASM_KERNELS` value (undefined or empty: all). */
export function parseKernelGroups(value: string | undefined): Set<KernelGroup> {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '' || text === 'all') return new Set(KERNEL_GROUPS);
  if (text === 'none') return new Set();
  const groups = text.split(',').map((g) => g.trim());
  for (const g of groups) {
    if (!KERNEL_GROUPS.includes(g as KernelGroup)) {
      throw new Error(
        `Invalid VMBRL_WASM_KERNELS='${value}': allowed values are all, none, or a comma list of ${KERNEL_GROUPS.join(', ')}`,
      );
    }
  }
  return new Set(groups as KernelGroup[]);
}

/** Turns groups of our wasm kernels on (the listed ones) and off (the others). */
export function setWasmKernels(groups: Iterable<KernelGroup>): void {
  enabled = new Set(groups);
}

/** The groups of our wasm kernels that are on. */
export function wasmKernelGroups(): KernelGroup[] {
  return KERNEL_GROUPS.filter((g) => enabled.has(g));
}

export function kernelGroupOn(group: KernelGroup): boolean {
  return enabled.has(group);
}

const engines = new WeakMap<object, WasmKernels | null>();
const engineErrors: string[] = [];

/** The engine on `backend`'s heap, created on first use; null if it cannot run there. */
export function wasmKernelsFor(backend: tf.KernelBackend): WasmKernels | null {
  let engine = engines.get(backend);
  if (engine === undefined) {
    try {
      if (!engineFactory) throw new Error('no wasm kernel engine in this build (browser)');
      const threads = parseKernelThreads(envVar('VMBRL_WASM_KERNEL_THREADS'));
      engine = engineFactory((backend as unknown as { wasm: WasmHeapModule }).wasm, threads);
    } catch (error) {
      engineErrors.push(error instanceof Error ? error.message : String(error));
      engine = null;
    }
    engines.set(backend, engine);
  }
  return engine;
}

/** Why the engine could not be created (empty if it was, or was never asked for). */
export function wasmKernelErrors(): readonly string[] {
  return engineErrors;
}

/**
 * `VMBRL_WASM_KERNEL_THREADS`: threads our kernels use on tfjs' threaded build (default: as many
 * as XNNPACK's pool). 1 keeps them on the calling thread.
 */
function parseKernelThreads(env: string | undefined): number | undefined {
  if (env === undefined || env.trim() === '') return undefined;
  const value = Number(env);
  if (!Number.isInteger(value) || value < 1 || value > 8) {
    throw new Error(
      `Invalid VMBRL_WASM_KERNEL_THREADS='${env}': allowed values are integers 1 to 8`,
    );
  }
  return value;
}

/** The parts of tfjs' BackendWasm the kernels use. */
/** What tfjs passes a kernel function: its inputs, the backend, and its attributes. */
export type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
};

export interface WasmBackendLike {
  wasm: WasmHeapModule;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
}

/** Byte offset of a tensor's data on the heap. */
export function heapOffset(backend: tf.KernelBackend, x: tf.TensorInfo): number {
  return (backend as unknown as WasmBackendLike).dataIdMap.get(x.dataId)?.memoryOffset ?? 0;
}
