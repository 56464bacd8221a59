import type { WasmMemory } from './wasm-api.js';

/** The parts of tfjs' Emscripten module the kernels use. */
export interface WasmHeapModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  /** The heap of the threaded build (shared). */
  wasmMemory?: WasmMemory;
  /** The exports of the single-threaded build, whose heap is its exported memory. */
  asm?: { memory?: WasmMemory };
  tfjs?: { getThreadsCount(): number };
}

/** Bytes of stack each instance of our module gets on the heap (its C code needs < 1 KB). */
export const STACK_BYTES = 64 * 1024;

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
      this.pointer = allocate(this.heap, size * 4 + 16, 'scratch space');
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

/** `bytes` from tfjs' allocator, or a clear error. */
export function allocate(heap: WasmHeapModule, bytes: number, what: string): number {
  const pointer = heap._malloc(bytes);
  if (!pointer) throw new Error(`wasm kernels: could not allocate ${bytes} bytes of ${what}`);
  return pointer;
}

/** The initial stack pointer (top, 16-byte aligned) of a stack allocated at `base`. */
export function stackTop(base: number): number {
  return (base + STACK_BYTES) & ~15;
}
