import type * as tf from '../../tf.js';
import {
  type WasmBackendLike,
  heapOffset,
  kernelGroupOn,
  wasmKernelsFor,
} from './backend-kernels.js';
import { ranges } from './gemm-call.js';

/**
 * Tanh and Softplus for the wasm backend on unary.c: tfjs computes them one element at a time
 * with libm; ours are 4-lane Cephes-style approximations within a few ulps, split across the
 * worker pool for large tensors. (Sigmoid stays tfjs', whose XNNPACK kernel is already SIMD.)
 */
const UNARY_OPS: Record<string, number> = { Tanh: 0, Softplus: 1 };

/** Elements below which a unary call stays on one thread. */
const PARALLEL_MIN_ELEMENTS = 32768;

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend };

/** `kernelName` (Tanh or Softplus) on unary.c, or undefined to run the previous kernel. */
export function unaryOnWasm(kernelName: string, args: KernelArgs): tf.TensorInfo | undefined {
  const op = UNARY_OPS[kernelName];
  const x = args.inputs.x;
  if (op === undefined || !x || x.dtype !== 'float32' || !kernelGroupOn('unary')) return undefined;
  const engine = wasmKernelsFor(args.backend);
  if (!engine) return undefined;
  const backend = args.backend as unknown as WasmBackendLike;
  const out = backend.makeOutput(x.shape, 'float32');
  const n = x.shape.reduce((p, d) => p * d, 1);
  const xOffset = heapOffset(args.backend, x);
  const outOffset = heapOffset(args.backend, out);
  const parts = engine.partsFor(n, PARALLEL_MIN_ELEMENTS);
  engine.run(
    ranges(n, parts, 4).map(([start, size]) => ({
      fn: 'unary',
      args: [op, size, xOffset + 4 * start, outOffset + 4 * start],
      work: 0,
    })),
  );
  return out;
}
