/**
 * The part of the WebAssembly JS API this package uses, typed locally: the project compiles
 * against ES2022 without the DOM library, where TypeScript has no WebAssembly values.
 */

/** A compiled module (WebAssembly.Module); can be posted to worker threads. */
export type WasmModule = object & { readonly __wasmModule?: never };

/** A linear memory (WebAssembly.Memory). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Exported functions a job can run, by the index the pool's workers use. */
export const KERNEL_FUNCTIONS = [
  'gemm',
  'unary',
  'gru_step',
  'conv2d',
  'conv2d_filter_grad',
  'conv2d_backprop_input',
  'sum_rows',
  'conv2d_direct',
  'conv2d_backprop_input_direct',
] as const;
export type KernelFunction = (typeof KERNEL_FUNCTIONS)[number];

/** One call of an exported function: its arguments and the scratch floats it needs. */
export interface KernelJob {
  fn: KernelFunction;
  /** Arguments without the trailing scratch pointer, which the runner appends. */
  args: number[];
  /** Scratch floats (0: none). */
  work: number;
}
