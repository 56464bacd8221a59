import * as tf from '../../tf.js';
import {
  type WasmBackendLike,
  heapOffset,
  kernelGroupOn,
  wasmKernelsFor,
} from './backend-kernels.js';
import { GEMM_ACTIVATIONS, PARALLEL_MIN_FLOPS, ranges } from './gemm-call.js';

/**
 * Conv2D, FusedConv2D and Conv2DBackpropInput with few channels on conv_direct.c (the `direct`
 * kernel group): vectorised over output columns, where conv.c's implicit GEMM has a K of
 * kh kw c and only oc columns. Output rows are split across the worker pool. Larger channel
 * counts (and what this kernel does not cover) stay with conv.ts or the composed kernels.
 */

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
};

/**
 * Largest input and output channel counts the direct Conv2D takes. Measured (CPU ms, one
 * thread; docs/PERFORMANCE.md): SV2P's 5x5 convolutions of 1-8 channels gain, while 16 output
 * channels (a 4 x 8 GEMM tile with K = 25 c) are as fast or faster on the GEMM.
 */
export const DIRECT_MAX_IN = 8;
export const DIRECT_MAX_OUT = 8;
/** Largest dx / dy channel counts the direct Conv2DBackpropInput takes (same measurements). */
export const DIRECT_GRAD_MAX_IN = 8;
export const DIRECT_GRAD_MAX_OUT = 16;

/** Parts to split `rows` output rows into: at least 2 rows each, and only for large convs. */
function partsFor(threads: number, rows: number, flops: number, parallel: boolean): number {
  if (!parallel || threads <= 1 || flops < PARALLEL_MIN_FLOPS) return 1;
  return Math.max(1, Math.min(threads, Math.floor(rows / 2)));
}

/** Conv2D (FusedConv2D when `fused`) on conv_direct.c, or undefined when it does not apply. */
export function conv2dDirectOnWasm(args: KernelArgs, fused: boolean): tf.TensorInfo | undefined {
  if (!kernelGroupOn('direct')) return undefined;
  const { x, filter, bias } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const attrs = args.attrs as unknown as tf.Conv2DAttrs & {
    activation?: string;
    leakyreluAlpha?: number;
  };
  if (!x || !filter || x.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || x.shape.length !== 4) return undefined;
  const act = GEMM_ACTIVATIONS[fused ? (attrs.activation ?? 'linear') : 'linear'];
  if (act === undefined) return undefined;
  const [, , inChannels, outChannels] = filter.shape as number[];
  if ((inChannels as number) > DIRECT_MAX_IN || (outChannels as number) > DIRECT_MAX_OUT) {
    return undefined;
  }
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
      work: engine.directConvWorkspace(info.inChannels, kh, kw, sw, ow),
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
  const engine = wasmKernelsFor(args.backend);
  if (!engine) return undefined;
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
  const backend = args.backend as unknown as WasmBackendLike;
  const out = backend.makeOutput(attrs.inputShape, 'float32');
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const { filterHeight: kh, filterWidth: kw } = info;
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
