import v8 from 'node:v8';
import { GEMM_WASM_BASE64 } from './gemm-wasm.js';
import { type GemmCall, HeapScratch, type WasmHeapModule, gemmArgs } from './heap.js';
import { GemmPool } from './pool.js';
import { type WasmMemory, type WasmModule, wasmApi } from './wasm-api.js';

export type { GemmCall, WasmHeapModule };

/**
 * Our matrix product (gemm.c, compiled to wasm32 + SIMD) instantiated on the heap of tfjs' wasm
 * backend, so it reads and writes tensors in place. One engine per backend instance.
 */

/** Which SIMD build runs: relaxed SIMD (fused multiply-add) or plain 128-bit SIMD. */
export type GemmSimd = 'relaxed' | 'plain';

/** Epilogue activations gemm.c applies itself (its ACT_* codes). */
export const GEMM_ACTIVATIONS: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  leakyrelu: 3,
};

export interface GemmExports {
  gemm(...args: number[]): void;
  gemm_workspace(m: number, n: number, k: number): number;
}

/** The simd build the engines use: `VMBRL_WASM_SIMD` = relaxed | plain, else the best that runs. */
export function chooseSimd(env = process.env.VMBRL_WASM_SIMD): GemmSimd {
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
 * True if relaxed SIMD compiles here. Node 22+ has it by default; Node 20 (V8 11.3) has it behind
 * --experimental-wasm-relaxed-simd, which we set at run time (V8 reads it when a module is
 * compiled; V8 11.4 shipped the same implementation by default).
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

function wasmBytes(simd: GemmSimd, shared: boolean): Uint8Array {
  return Buffer.from(GEMM_WASM_BASE64[simd][shared ? 'shared' : 'unshared'], 'base64');
}

/** The compiled module of one build (compiled once per process). */
export function gemmModule(simd: GemmSimd, shared: boolean): WasmModule {
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
    throw new Error('The tfjs wasm backend exposes no WebAssembly.Memory to run our GEMM on');
  }
  return memory;
}

/** Our GEMM on one tfjs wasm heap, on this thread or split across a worker pool. */
export class WasmGemm {
  readonly shared: boolean;
  readonly threads: number;
  private readonly exports: GemmExports;
  private readonly scratch: HeapScratch;
  private pool?: GemmPool;

  constructor(
    private readonly heap: WasmHeapModule,
    readonly simd: GemmSimd = chooseSimd(),
    threads?: number,
  ) {
    const memory = heapMemory(heap);
    this.shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = gemmModule(simd, this.shared);
    const instance = new wasmApi.Instance(module, { env: { memory } });
    this.exports = instance.exports as unknown as GemmExports;
    this.scratch = new HeapScratch(heap);
    const available = this.shared ? (heap.tfjs?.getThreadsCount() ?? 1) : 1;
    this.threads = this.shared ? Math.max(1, Math.min(threads ?? available, 8)) : 1;
    if (this.threads > 1) this.pool = new GemmPool(module, memory, heap, this.threads - 1);
  }

  /** Floats of scratch space one call of these sizes needs. */
  workspace(m: number, n: number, k: number): number {
    return this.exports.gemm_workspace(m, n, k);
  }

  /** Runs one product (batch) on this thread. */
  runHere(call: GemmCall): void {
    const work = this.scratch.get(this.workspace(call.m, call.n, call.k));
    this.exports.gemm(...gemmArgs(call, work));
  }

  /** Runs one product (batch), split across the pool when it is large enough to pay. */
  run(call: GemmCall): void {
    if (call.m === 0 || call.n === 0 || call.batch === 0) return;
    const parts = this.pool ? splitCall(call, this.threads) : [call];
    if (parts.length === 1 || !this.pool) {
      this.runHere(call);
      return;
    }
    this.pool.run(
      parts.slice(1),
      (part) => this.workspace(part.m, part.n, part.k),
      () => this.runHere(parts[0] as GemmCall),
    );
  }

  dispose(): void {
    this.pool?.dispose();
    this.pool = undefined;
    this.scratch.release();
  }
}

/** Micro-tile of gemm.c: rows and columns a part boundary is aligned to. */
const MR = 4;
const NR = 8;
/**
 * Below this many flops a product runs on one thread: waking a worker and waiting for it costs
 * about as much as this much work (measured, 2 cores).
 */
export const PARALLEL_MIN_FLOPS = 2e6;

/**
 * Splits a product into at most `parts` independent parts: whole batch entries, else row
 * blocks, else column blocks. Every output element is computed by the same operations in the
 * same order as unsplit, so the result does not depend on the thread count.
 */
export function splitCall(call: GemmCall, parts: number): GemmCall[] {
  const { batch, m, n, k } = call;
  if (parts <= 1 || 2 * batch * m * n * Math.max(k, 1) < PARALLEL_MIN_FLOPS) return [call];
  if (batch >= parts) {
    return ranges(batch, parts, 1).map(([start, size]) => ({
      ...call,
      batch: size,
      a: call.a + 4 * start * call.aBatch,
      b: call.b + 4 * start * call.bBatch,
      c: call.c + 4 * start * call.cBatch,
    }));
  }
  if (m >= parts * MR * 2) {
    return ranges(m, parts, MR).map(([start, size]) => ({
      ...call,
      m: size,
      a: call.a + 4 * start * call.aRs,
      c: call.c + 4 * start * call.ldc,
    }));
  }
  if (n >= parts * NR) {
    return ranges(n, parts, NR).map(([start, size]) => ({
      ...call,
      n: size,
      b: call.b + 4 * start * call.bCs,
      c: call.c + 4 * start,
      bias: call.bias < 0 ? -1 : call.bias + 4 * start,
    }));
  }
  return [call];
}

/** [start, size] of up to `parts` nearly equal ranges of 0..total, starts aligned to `align`. */
function ranges(total: number, parts: number, align: number): Array<[number, number]> {
  const step = Math.ceil(total / parts / align) * align;
  const out: Array<[number, number]> = [];
  for (let start = 0; start < total; start += step) {
    out.push([start, Math.min(step, total - start)]);
  }
  return out;
}
