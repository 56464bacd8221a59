import * as tf from '../../tf.js';
import {
  type KernelArgs,
  type WasmBackendLike,
  heapOffset,
  kernelGroupOn,
} from './backend-kernels.js';

/**
 * Slice, Unpack (unstack) and SplitV (split) as block copies on the heap. tfjs' wasm Slice first reads the whole
 * input into a fresh JavaScript array (`readSync` copies), so every slice costs the input's size:
 * 25 slices of one tap each from a [25, 16, 64, 64] tensor took ~95 ms CPU instead of ~1 ms, and
 * its Unpack and SplitV are built on it. Here the window is copied straight from the input's
 * heap bytes, one `copyWithin` per run of contiguous elements.
 */

function copyable(x: tf.TensorInfo | undefined): x is tf.TensorInfo {
  return x !== undefined && x.dtype !== 'string' && x.dtype !== 'complex64';
}

/** Copies x's window [begin, begin + size) into a new output on the heap. */
function copyWindow(
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  begin: number[],
  size: number[],
): tf.TensorInfo {
  const wasm = backend as unknown as WasmBackendLike & { wasm: { HEAPU8: Uint8Array } };
  const out = wasm.makeOutput(size, x.dtype);
  const total = size.reduce((p, d) => p * d, 1);
  if (total === 0) return out;
  const shape = x.shape;
  const rank = shape.length;
  const bytesPer = x.dtype === 'bool' ? 1 : 4;
  // The trailing axes taken whole join the last partial one into one contiguous run.
  let j = rank - 1;
  while (j > 0 && size[j] === shape[j]) j -= 1;
  let run = 1;
  for (let a = j; a < rank; a += 1) run *= size[a] as number;
  const strides = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a -= 1)
    strides[a] = (strides[a + 1] as number) * (shape[a + 1] as number);
  let start = 0;
  for (let a = 0; a < rank; a += 1) start += (begin[a] as number) * (strides[a] as number);
  // Read the heap after makeOutput: growing the memory replaces the buffer.
  const heap = wasm.wasm.HEAPU8;
  const from = heapOffset(backend, x);
  const to = heapOffset(backend, out);
  const runBytes = run * bytesPer;
  const outer = total / run;
  const index = new Array<number>(j).fill(0); // position over the outer axes 0..j-1
  for (let r = 0; r < outer; r += 1) {
    let offset = start;
    for (let a = 0; a < j; a += 1) offset += (index[a] as number) * (strides[a] as number);
    const src = from + offset * bytesPer;
    heap.copyWithin(to + r * runBytes, src, src + runBytes);
    for (let a = j - 1; a >= 0; a -= 1) {
      index[a] = (index[a] as number) + 1;
      if ((index[a] as number) < (size[a] as number)) break;
      index[a] = 0;
    }
  }
  return out;
}

/** Slice on the heap; undefined (tfjs' kernel) for strings, complex numbers or the group off. */
export function sliceOnWasm(args: KernelArgs): tf.TensorInfo | undefined {
  const x = args.inputs.x;
  if (!copyable(x) || !kernelGroupOn('slice')) return undefined;
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as unknown as tf.Tensor,
    args.attrs.begin as number | number[],
    args.attrs.size as number | number[] | undefined,
  );
  return copyWindow(args.backend, x, begin, size);
}

/** Unpack (unstack) along an axis as one window copy per piece. */
export function unpackOnWasm(args: KernelArgs): tf.TensorInfo[] | undefined {
  const x = args.inputs.value;
  if (!copyable(x) || !kernelGroupOn('slice')) return undefined;
  const rank = x.shape.length;
  const axis = (((args.attrs.axis as number | undefined) ?? 0) + rank) % rank;
  const pieceShape = x.shape.filter((_, a) => a !== axis);
  const size = x.shape.slice();
  size[axis] = 1;
  const begin = new Array<number>(rank).fill(0);
  const pieces: tf.TensorInfo[] = [];
  for (let i = 0; i < (x.shape[axis] as number); i += 1) {
    begin[axis] = i;
    const piece = copyWindow(args.backend, x, begin, size);
    pieces.push({ dataId: piece.dataId, dtype: piece.dtype, shape: pieceShape });
  }
  return pieces;
}

/** SplitV (split) along an axis as one window copy per part. */
export function splitOnWasm(args: KernelArgs): tf.TensorInfo[] | undefined {
  const x = args.inputs.x;
  if (!copyable(x) || !kernelGroupOn('slice')) return undefined;
  const axis = tf.util.parseAxisParam(args.attrs.axis as number, x.shape)[0] as number;
  const sizes = tf.backend_util.prepareSplitSize(
    x as unknown as tf.Tensor,
    args.attrs.numOrSizeSplits as number | number[],
    axis,
  );
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((part) => {
    const size = x.shape.slice();
    size[axis] = part;
    const piece = copyWindow(args.backend, x, begin, size);
    begin[axis] = (begin[axis] as number) + part;
    return piece;
  });
}
