import * as tf from '../../tf.js';
import {
  type KernelArgs,
  type WasmBackendLike,
  heapOffset,
  kernelGroupOn,
  wasmKernelsFor,
} from './backend-kernels.js';
import { GEMM_ACTIVATIONS, PARALLEL_MIN_FLOPS, ranges } from './gemm-call.js';

/**
 * The `direct` kernel group: convolutions with few channels, where conv.c's implicit GEMM has a
 * K of kh kw c and only oc columns, run on conv_direct.c (vectorised over output columns,
 * output rows split across the worker pool): Conv2D, FusedConv2D and Conv2DBackpropInput.
 * Larger convolutions stay with conv.ts or the composed kernels.
 */

/**
 * Conv2D / FusedConv2D with at most 8 input channels, stride 1 and a window wider than 1 x 1
 * run on conv2d_direct when the `direct` group is on, up to 32 output channels (SV2P's CDNA tap
 * bank has 25: 11 against 20 ms); other few-channel ones, up to 16 output channels (strided,
 * 1 x 1, prelu, elu, dilation along x), on tfjs' XNNPACK. Measured (CPU ms, one thread,
 * docs/PERFORMANCE.md): on SV2P's 5 x 5 stride-1 shapes conv2d_direct is 1.1-2.6x faster than
 * our implicit GEMM and as fast as XNNPACK or faster; on strided and 1 x 1 ones (where the
 * planar copy of the input is a large part of the work) XNNPACK is fastest.
 */
const DIRECT_MAX_IN = 8;
const DIRECT_MAX_OUT = 32;
const XNNPACK_MAX_OUT = 16;
/** Activations tfjs' wasm FusedConv2D fuses (it throws on others, e.g. tanh). */
const XNNPACK_ACTIVATIONS = ['linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'sigmoid', 'elu'];

/**
 * Conv2DBackpropInput with at most this many dx / dy channels and FLOPs runs on
 * conv2d_backprop_input_direct. Measured against ../conv-backprop-input.ts (one conv2d plus
 * reshapes, transposes and slices, whose fixed cost dominates small calls): SV2P's 1-8 channel
 * deconvolutions and input gradients (0.2-7 MFLOP) 1.7-5.9x faster; LTOR's decoder at batch 128
 * (226-265 MFLOP, dy 8-16 channels) 0.6-0.7x, so large calls keep the composed kernel.
 */
const DIRECT_GRAD_MAX_IN = 8;
const DIRECT_GRAD_MAX_OUT = 16;
const DIRECT_GRAD_MAX_FLOPS = 32e6;

/** True for a Conv2D with at most 8 input and `maxOut` output channels (`direct` on). */
function fewChannels(args: KernelArgs, maxOut: number): boolean {
  if (!kernelGroupOn('direct')) return false;
  const { filter } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  if (!filter || filter.shape.length !== 4) return false;
  const [, , inChannels, outChannels] = filter.shape as number[];
  return (inChannels as number) <= DIRECT_MAX_IN && (outChannels as number) <= maxOut;
}

/** Stride 1 and a window wider than 1 x 1: where conv2d_direct measured at least XNNPACK's speed. */
function directShape(args: KernelArgs): boolean {
  const { strides } = args.attrs as unknown as tf.Conv2DAttrs;
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
  const [kh, kw] = (args.inputs as Record<string, tf.TensorInfo>).filter?.shape as number[];
  return sh === 1 && sw === 1 && (kh as number) * (kw as number) > 1;
}

/** True when a few-channel Conv2D that conv2d_direct declined should run on tfjs' kernel. */
export function smallConvOnXnnpack(args: KernelArgs, fused: boolean): boolean {
  const activation = fused ? ((args.attrs as { activation?: string }).activation ?? 'linear') : '';
  return fewChannels(args, XNNPACK_MAX_OUT) && (!fused || XNNPACK_ACTIVATIONS.includes(activation));
}

/** Conv2D (FusedConv2D when `fused`) with few channels on conv2d_direct, or undefined. */
export function smallConvOnWasm(args: KernelArgs, fused: boolean): tf.TensorInfo | undefined {
  return fewChannels(args, DIRECT_MAX_OUT) && directShape(args)
    ? conv2dDirectOnWasm(args, fused)
    : undefined;
}

/** Parts to split `rows` output rows into: at least 2 rows each, and only for large convs. */
function partsFor(threads: number, rows: number, flops: number, parallel: boolean): number {
  if (!parallel || threads <= 1 || flops < PARALLEL_MIN_FLOPS) return 1;
  return Math.max(1, Math.min(threads, Math.floor(rows / 2)));
}

/**
 * Conv2D (FusedConv2D when `fused`) on conv2d_direct whatever the channel counts, or undefined
 * when it does not apply (dilation along x, prelu/elu, no engine).
 */
export function conv2dDirectOnWasm(args: KernelArgs, fused: boolean): tf.TensorInfo | undefined {
  const { x, filter, bias } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const attrs = args.attrs as unknown as tf.Conv2DAttrs & {
    activation?: string;
    leakyreluAlpha?: number;
  };
  if (!x || !filter || x.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || x.shape.length !== 4) return undefined;
  const act = GEMM_ACTIVATIONS[fused ? (attrs.activation ?? 'linear') : 'linear'];
  if (act === undefined) return undefined;
  const outChannels = filter.shape[3] as number;
  const hasBias = fused && bias ? 1 : 0;
  if (hasBias && (bias?.dtype !== 'float32' || tf.util.sizeFromShape(bias.shape) !== outChannels))
    return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  if (info.dilationWidth !== 1) return undefined;
  const engine = wasmKernelsFor(args.backend);
  if (!engine) return undefined;
  const backend = args.backend as unknown as WasmBackendLike;
  const out = backend.makeOutput(info.outShape, 'float32');
  const rows = info.batchSize * info.outHeight;
  const { filterHeight: kh, filterWidth: kw, strideWidth: sw, outWidth: ow } = info;
  const flops = 2 * rows * ow * kh * kw * info.inChannels * info.outChannels;
  const parts = partsFor(engine.threads, rows, flops, engine.parallel);
  const at = (t: tf.TensorInfo) => heapOffset(args.backend, t);
  const geometry = [info.batchSize, info.inHeight, info.inWidth, info.inChannels, kh, kw];
  const window = [info.strideHeight, sw, info.dilationHeight, info.padInfo.top, info.padInfo.left];
  engine.run(
    ranges(rows, parts, 1).map(([row0, size]) => ({
      fn: 'conv2d_direct',
      args: [
        ...geometry,
        ...window,
        info.outHeight,
        ow,
        info.outChannels,
        row0,
        size,
        at(x),
        at(filter),
        at(out),
        hasBias ? at(bias as tf.TensorInfo) : 0,
        hasBias,
        act,
        Number(attrs.leakyreluAlpha ?? 0.2),
      ],
      work: engine.directConvWorkspace(info.inChannels, kh, kw, sw, info.dilationHeight, ow),
    })),
  );
  return out;
}

/** Conv2DBackpropInput (= conv2dTranspose) on conv_direct.c, or undefined when it does not apply. */
export function conv2dInputGradDirectOnWasm(args: KernelArgs): tf.TensorInfo | undefined {
  if (!kernelGroupOn('direct')) return undefined;
  const { dy, filter } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (!dy || !filter || dy.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return undefined;
  const [n, h, w, c] = attrs.inputShape;
  const oc = filter.shape[3] as number;
  if (c > DIRECT_GRAD_MAX_IN || oc > DIRECT_GRAD_MAX_OUT) return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  if ((2 * n * h * w * c * oc * kh * kw) / (sh * sw) > DIRECT_GRAD_MAX_FLOPS) return undefined;
  const engine = wasmKernelsFor(args.backend);
  if (!engine) return undefined;
  const backend = args.backend as unknown as WasmBackendLike;
  const out = backend.makeOutput(attrs.inputShape, 'float32');
  const at = (t: tf.TensorInfo) => heapOffset(args.backend, t);
  const geometry = [n, h, w, c, kh, kw, sh, sw, info.padInfo.top, info.padInfo.left];
  const flopsPerRow = (2 * kh * kw * oc * c * Math.ceil(w / sw)) / sh;
  const work = engine.directInputGradWorkspace(w, c, kh, kw, sh, sw, oc);
  for (let py = 0; py < sh; py++) {
    for (let px = 0; px < sw; px++) {
      const rows = n * Math.ceil((h - py) / sh);
      const parts = partsFor(engine.threads, rows, rows * flopsPerRow, engine.parallel);
      engine.run(
        ranges(rows, parts, 1).map(([row0, size]) => ({
          fn: 'conv2d_backprop_input_direct',
          args: [
            ...geometry,
            info.outHeight,
            info.outWidth,
            oc,
            py,
            px,
            row0,
            size,
            at(dy),
            at(filter),
            at(out),
          ],
          work,
        })),
      );
    }
  }
  return out;
}
