import type * as tf from '../../tf.js';
import {
  type WasmBackendLike,
  heapOffset,
  kernelGroupOn,
  wasmKernelsFor,
} from './backend-kernels.js';

/**
 * Tile along the first axis only (reps [r, 1, ..., 1]: r copies of the whole tensor, e.g. one
 * planner belief for J candidates) as doubling block copies on the heap. tfjs' wasm Tile walks
 * the output element by element with index arithmetic, ~70 ns per element.
 */
export function tileOnWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo | undefined {
  const x = args.inputs.x;
  const reps = args.attrs.reps as number[] | undefined;
  if (!x || !reps || !kernelGroupOn('tile')) return undefined;
  if (x.dtype === 'string' || x.dtype === 'complex64') return undefined;
  if (reps.length !== x.shape.length || reps.slice(1).some((r) => r !== 1)) return undefined;
  const backend = args.backend as unknown as WasmBackendLike & { wasm: { HEAPU8: Uint8Array } };
  const copies = reps[0] as number;
  const out = backend.makeOutput(
    x.shape.map((d, i) => d * (reps[i] as number)),
    x.dtype,
  );
  const bytes = x.shape.reduce((p, d) => p * d, 1) * (x.dtype === 'bool' ? 1 : 4);
  if (bytes === 0 || copies === 0) return out;
  const heap = backend.wasm.HEAPU8;
  const from = heapOffset(args.backend, x);
  const to = heapOffset(args.backend, out);
  heap.copyWithin(to, from, from + bytes);
  for (let done = 1; done < copies; ) {
    const more = Math.min(done, copies - done);
    heap.copyWithin(to + done * bytes, to, to + more * bytes);
    done += more;
  }
  return out;
}

/**
 * Sum over the leading axes of a float32 tensor (bias gradients: [N, H, W, C] -> [C]) as one
 * pass over x (unary.c's sum_rows); tfjs' wasm Sum transposes x first to bring those axes last.
 * Other reductions: undefined, for tfjs' kernel.
 */
export function sumOnWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo | undefined {
  const x = args.inputs.x;
  if (!x || x.dtype !== 'float32' || !kernelGroupOn('sum')) return undefined;
  const rank = x.shape.length;
  const axis = args.attrs.axis as number | number[] | undefined;
  const axes = (axis === undefined ? [] : Array.isArray(axis) ? axis : [axis])
    .map((a) => (a < 0 ? a + rank : a))
    .sort((a, b) => a - b);
  const leading = axes.length;
  if (leading === 0 || leading >= rank || axes.some((a, i) => a !== i)) return undefined;
  const engine = wasmKernelsFor(args.backend);
  if (!engine) return undefined;
  const kept = x.shape.slice(leading);
  const shape = args.attrs.keepDims ? [...new Array(leading).fill(1), ...kept] : kept;
  const backend = args.backend as unknown as WasmBackendLike;
  const out = backend.makeOutput(shape, 'float32');
  const cols = kept.reduce((p, d) => p * d, 1);
  const rows = x.shape.slice(0, leading).reduce((p, d) => p * d, 1);
  engine.run([
    {
      fn: 'sum_rows',
      args: [rows, cols, heapOffset(args.backend, x), heapOffset(args.backend, out)],
      work: 0,
    },
  ]);
  return out;
}
