/** gemm()'s arguments and scratch space on the tfjs wasm heap (shared by engine and pool). */
import type { WasmMemory } from './wasm-api.js';

/** What gemm() takes: sizes, strides in floats, pointers as byte offsets into the heap. */
export interface GemmCall {
  batch: number;
  m: number;
  n: number;
  k: number;
  a: number;
  aBatch: number;
  aRs: number;
  aCs: number;
  b: number;
  bBatch: number;
  bRs: number;
  bCs: number;
  c: number;
  cBatch: number;
  ldc: number;
  /** Byte offset of n bias floats, or -1 for none. */
  bias: number;
  act: number;
  alpha: number;
}

/** The parts of tfjs' Emscripten module the engine uses. */
export interface WasmHeapModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  /** The heap of the threaded build (shared). */
  wasmMemory?: WasmMemory;
  /** The exports of the single-threaded build, whose heap is its exported memory. */
  asm?: { memory?: WasmMemory };
  tfjs?: { getThreadsCount(): number };
}

/** Scratch floats on the tfjs heap, grown on demand and kept for the next call. */
export class HeapScratch {
  private pointer = 0;
  private floats = 0;

  constructor(private readonly heap: WasmHeapModule) {}

  /** Byte offset of at least `floats` floats (16-byte aligned). */
  get(floats: number): number {
    if (floats > this.floats) {
      this.release();
      const size = Math.ceil(floats * 1.25);
      const pointer = this.heap._malloc(size * 4 + 16);
      if (!pointer) throw new Error(`GEMM: could not allocate ${size * 4} bytes of scratch space`);
      this.pointer = pointer;
      this.floats = size;
    }
    return (this.pointer + 15) & ~15;
  }

  release(): void {
    if (this.pointer) this.heap._free(this.pointer);
    this.pointer = 0;
    this.floats = 0;
  }
}

/** Arguments of the exported gemm() in order. */
export function gemmArgs(call: GemmCall, work: number): number[] {
  const c = call;
  return [
    c.batch,
    c.m,
    c.n,
    c.k,
    c.a,
    c.aBatch,
    c.aRs,
    c.aCs,
    c.b,
    c.bBatch,
    c.bRs,
    c.bCs,
    c.c,
    c.cBatch,
    c.ldc,
    c.bias < 0 ? 0 : c.bias,
    c.bias < 0 ? 0 : 1,
    c.act,
    c.alpha,
    work,
  ];
}
