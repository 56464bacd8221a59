import v8 from 'node:v8';
import { type GemmCall, gemmArgs, splitCall } from './gemm-call.js';
import { HeapScratch, STACK_BYTES, type WasmHeapModule, allocate, stackTop } from './heap.js';
import { KernelPool } from './pool.js';
import {
  KERNEL_FUNCTIONS,
  type KernelFunction,
  type KernelJob,
  type WasmMemory,
  type WasmModule,
  wasmApi,
} from './wasm-api.js';
import { KERNELS_WASM_BASE64 } from './wasm-binaries.js';

/**
 * Our C kernels (gemm.c, unary.c, gru.c compiled to wasm32 + SIMD) instantiated on the heap of
 * tfjs' wasm backend, so that they read and write tensors in place. One engine per backend.
 */

export { KERNEL_FUNCTIONS, type KernelFunction, type KernelJob };

/** Which SIMD build runs: relaxed SIMD (fused multiply-add) or plain 128-bit SIMD. */
export type KernelSimd = 'relaxed' | 'plain';

interface KernelExports {
  gemm(...args: number[]): void;
  gemm_workspace(m: number, n: number, k: number): number;
  unary(op: number, n: number, x: number, y: number): void;
  gru_step(...args: number[]): void;
  gru_workspace(rows: number, inDim: number, units: number): number;
  conv2d(...args: number[]): void;
  sum_rows(rows: number, cols: number, x: number, out: number): void;
  conv2d_filter_grad(...args: number[]): void;
  conv2d_backprop_input(...args: number[]): void;
  conv2d_backprop_input_workspace(...args: number[]): number;
  conv2d_direct(...args: number[]): void;
  conv2d_direct_workspace(...args: number[]): number;
  conv2d_backprop_input_direct(...args: number[]): void;
  conv2d_backprop_input_direct_workspace(...args: number[]): number;
  __stack_pointer: { value: number };
}

/** The SIMD build: `VMBRL_WASM_SIMD` = relaxed | plain | auto (default: the best that runs). */
export function chooseSimd(env = process.env.VMBRL_WASM_SIMD): KernelSimd {
  const wanted = env?.trim().toLowerCase();
  if (wanted && wanted !== 'relaxed' && wanted !== 'plain' && wanted !== 'auto') {
    throw new Error(`Invalid VMBRL_WASM_SIMD='${env}': allowed values are relaxed, plain, auto`);
  }
  if (wanted === 'plain') return 'plain';
  if (relaxedSimdAvailable()) return 'relaxed';
  if (wanted === 'relaxed') {
    throw new Error(
      'VMBRL_WASM_SIMD=relaxed: this JavaScript engine cannot run WebAssembly relaxed SIMD',
    );
  }
  return 'plain';
}

let relaxedAvailable: boolean | undefined;

/**
 * True if relaxed SIMD compiles here. Node 22+ has it by default; Node 20 (V8 11.3) has it
 * behind --experimental-wasm-relaxed-simd, which we set at run time: V8 reads it when a module
 * is compiled, and V8 11.4 shipped the same implementation on by default.
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxedAvailable === undefined) {
    const bytes = wasmBytes('relaxed', false);
    relaxedAvailable = wasmApi.validate(bytes);
    if (!relaxedAvailable) {
      try {
        v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
        relaxedAvailable = wasmApi.validate(bytes);
      } catch {
        relaxedAvailable = false;
      }
    }
  }
  return relaxedAvailable;
}

const compiled = new Map<string, WasmModule>();

function wasmBytes(simd: KernelSimd, shared: boolean): Uint8Array {
  return Buffer.from(KERNELS_WASM_BASE64[simd][shared ? 'shared' : 'unshared'], 'base64');
}

/** The compiled module of one build (compiled once per process). */
export function kernelsModule(simd: KernelSimd, shared: boolean): WasmModule {
  const key = `${simd}/${shared}`;
  let module = compiled.get(key);
  if (!module) {
    module = new wasmApi.Module(wasmBytes(simd, shared));
    compiled.set(key, module);
  }
  return module;
}

/** The heap's memory object of tfjs' wasm module. */
export function heapMemory(heap: WasmHeapModule): WasmMemory {
  const memory = heap.wasmMemory ?? heap.asm?.memory;
  if (!(memory instanceof wasmApi.Memory)) {
    throw new Error('The tfjs wasm backend exposes no WebAssembly.Memory to run our kernels on');
  }
  return memory;
}

/** Our kernels on one tfjs wasm heap, on this thread or split across a worker pool. */
export class WasmKernels {
  readonly shared: boolean;
  readonly threads: number;
  /** Split large jobs across the pool (tests turn it off to compare with serial runs). */
  parallel = true;
  /** Jobs handed to pool workers so far. */
  workerJobs = 0;
  private readonly exports: KernelExports;
  private readonly scratch: HeapScratch;
  private readonly stack: number;
  private pool?: KernelPool;

  constructor(
    private readonly heap: WasmHeapModule,
    readonly simd: KernelSimd = chooseSimd(),
    threads?: number,
  ) {
    const memory = heapMemory(heap);
    this.shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = kernelsModule(simd, this.shared);
    const instance = new wasmApi.Instance(module, { env: { memory } });
    this.exports = instance.exports as unknown as KernelExports;
    // The C code's stack (for structs passed by pointer) lives on tfjs' heap, not where the
    // linker put it (which is tfjs' memory too).
    this.stack = allocate(heap, STACK_BYTES, 'stack');
    this.exports.__stack_pointer.value = stackTop(this.stack);
    this.scratch = new HeapScratch(heap);
    const available = this.shared ? (heap.tfjs?.getThreadsCount() ?? 1) : 1;
    this.threads = this.shared ? Math.max(1, Math.min(threads ?? available, 8)) : 1;
    if (this.threads > 1) this.pool = new KernelPool(module, memory, heap, this.threads - 1);
  }

  /** Scratch floats one gemm() call of these sizes needs. */
  gemmWorkspace(m: number, n: number, k: number): number {
    return this.exports.gemm_workspace(m, n, k);
  }

  /** Scratch floats one gru_step() call needs. */
  gruWorkspace(rows: number, inDim: number, units: number): number {
    return this.exports.gru_workspace(rows, inDim, units);
  }

  /** Scratch floats one conv2d_backprop_input() call needs. */
  convInputGradWorkspace(...args: number[]): number {
    return this.exports.conv2d_backprop_input_workspace(...args);
  }

  /** Scratch floats one conv2d_direct() call needs (any number of rows): (c, kh, kw, sw, dh, ow). */
  directConvWorkspace(...args: number[]): number {
    return this.exports.conv2d_direct_workspace(...args);
  }

  /** Scratch floats one conv2d_backprop_input_direct() call needs: (w, c, kh, kw, sh, sw, oc). */
  directInputGradWorkspace(...args: number[]): number {
    return this.exports.conv2d_backprop_input_direct_workspace(...args);
  }

  /** One product (batch), split across the pool when it is large enough to pay. */
  gemm(call: GemmCall): void {
    if (call.m === 0 || call.n === 0 || call.batch === 0) return;
    const parts = this.parallel && this.pool ? splitCall(call, this.threads) : [call];
    this.run(
      parts.map((part) => ({
        fn: 'gemm',
        args: gemmArgs(part),
        work: this.gemmWorkspace(part.m, part.n, part.k),
      })),
    );
  }

  /** Runs jobs: the first on this thread, the others on pool workers meanwhile. */
  run(jobs: KernelJob[]): void {
    const [first, ...rest] = jobs;
    if (!first) return;
    if (rest.length > 0) {
      if (!this.pool) throw new Error('wasm kernels: several jobs but no worker pool');
      this.pool.run(rest, () => this.runHere(first));
      this.workerJobs += rest.length;
    } else {
      this.runHere(first);
    }
  }

  /** Parts a job of `size` units may be split into (1 unless the pool is on). */
  partsFor(size: number, minSize: number): number {
    if (!this.parallel || !this.pool) return 1;
    return Math.max(1, Math.min(this.threads, Math.floor(size / minSize)));
  }

  private runHere(job: KernelJob): void {
    const work = job.work > 0 ? this.scratch.get(job.work) : 0;
    (this.exports[job.fn] as (...args: number[]) => void)(...job.args, work);
  }

  dispose(): void {
    this.pool?.dispose();
    this.pool = undefined;
    this.scratch.release();
    this.heap._free(this.stack);
  }
}
