import * as tf from '../../tf.js';
import { KernelComposer } from '../compose.js';
import {
  type KernelArgs,
  type WasmBackendLike,
  heapOffset,
  kernelGroupOn,
  wasmKernelsFor,
} from './backend-kernels.js';
import { GEMM_ACTIVATIONS, MR, PARALLEL_MIN_FLOPS, ranges } from './gemm-call.js';

/**
 * Conv2D, FusedConv2D and Conv2DBackpropFilter for the wasm backend on conv.c: products of our
 * GEMM whose im2col operand is gathered while packing, so it is never stored. Output rows
 * (positions, or filter taps for the filter gradient) are split across the worker pool. Our
 * Conv2DBackpropInput (../conv-backprop-input.ts) runs on this Conv2D.
 */

const POST_ACTIVATIONS: Record<string, string> = { elu: 'Elu', prelu: 'Prelu' };

/** Geometry arguments of conv.c's exports: n h w c kh kw sh sw (dh dw) padTop padLeft oh ow. */
function geometry(info: tf.backend_util.Conv2DInfo, withDilations: boolean): number[] {
  const dims = [info.batchSize, info.inHeight, info.inWidth, info.inChannels];
  const window = [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth];
  const dilations = withDilations ? [info.dilationHeight, info.dilationWidth] : [];
  const rest = [info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth];
  return [...dims, ...window, ...dilations, ...rest];
}

/** Parts to split `rows` output rows of a product of `flops` into. */
function partsFor(threads: number, rows: number, flops: number, parallel: boolean): number {
  if (!parallel || threads <= 1 || flops < PARALLEL_MIN_FLOPS) return 1;
  return Math.max(1, Math.min(threads, Math.floor(rows / (2 * MR))));
}

/** Conv2D (or FusedConv2D when `fused`) on conv.c, or undefined to run the previous kernel. */
export function conv2dOnWasm(args: KernelArgs, fused: boolean): tf.TensorInfo | undefined {
  if (!kernelGroupOn('conv')) return undefined;
  const { x, filter, bias, preluActivationWeights } = args.inputs as Record<
    string,
    tf.TensorInfo | undefined
  >;
  const attrs = args.attrs as unknown as tf.Conv2DAttrs & {
    activation?: string;
    leakyreluAlpha?: number;
  };
  if (!x || !filter || x.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || x.shape.length !== 4) return undefined;
  const activation = fused ? (attrs.activation ?? 'linear') : 'linear';
  const act = GEMM_ACTIVATIONS[activation];
  const post = POST_ACTIVATIONS[activation];
  if (act === undefined && post === undefined) return undefined;
  const outChannels = filter.shape[3] as number;
  if (
    fused &&
    bias &&
    (bias.dtype !== 'float32' || bias.shape.reduce((p, d) => p * d, 1) !== outChannels)
  )
    return undefined;
  const engine = wasmKernelsFor(args.backend);
  if (!engine) return undefined;

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
  const backend = args.backend as unknown as WasmBackendLike;
  const out = backend.makeOutput(info.outShape, 'float32');
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const at = (t: tf.TensorInfo) => heapOffset(args.backend, t);
  const parts = partsFor(engine.threads, rows, 2 * rows * k * outChannels, engine.parallel);
  const hasBias = fused && bias ? 1 : 0;
  engine.run(
    ranges(rows, parts, MR).map(([row0, size]) => ({
      fn: 'conv2d',
      args: [
        ...geometry(info, true),
        outChannels,
        row0,
        size,
        at(x),
        at(filter),
        at(out),
        hasBias ? at(bias as tf.TensorInfo) : 0,
        hasBias,
        act ?? 0,
        Number(attrs.leakyreluAlpha ?? 0.2),
      ],
      work: engine.gemmWorkspace(size, outChannels, k),
    })),
  );
  if (!post) return out;
  const composer = new KernelComposer(args.backend, 'wasm');
  composer.track(out);
  try {
    const inputs: Record<string, tf.TensorInfo> = { x: out };
    if (activation === 'prelu') {
      if (!preluActivationWeights) throw new Error('FusedConv2D: prelu needs its weights');
      inputs.alpha = preluActivationWeights;
    }
    return composer.finish(composer.run(post, inputs));
  } catch (error) {
    composer.abort();
    throw error;
  }
}

/** Conv2DBackpropFilter on conv.c, or undefined to run the previous kernel. */
export function conv2dFilterGradOnWasm(args: KernelArgs): tf.TensorInfo | undefined {
  if (!kernelGroupOn('conv')) return undefined;
  const { x, dy } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (!x || !dy || x.dtype !== 'float32' || dy.dtype !== 'float32') return undefined;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return undefined;
  const engine = wasmKernelsFor(args.backend);
  if (!engine) return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const backend = args.backend as unknown as WasmBackendLike;
  const out = backend.makeOutput(attrs.filterShape, 'float32');
  const outChannels = info.outChannels;
  const rows = info.filterHeight * info.filterWidth * info.inChannels;
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const at = (t: tf.TensorInfo) => heapOffset(args.backend, t);
  const parts = partsFor(engine.threads, rows, 2 * rows * positions * outChannels, engine.parallel);
  engine.run(
    ranges(rows, parts, MR).map(([row0, size]) => ({
      fn: 'conv2d_filter_grad',
      args: [...geometry(info, false), outChannels, row0, size, at(x), at(dy), at(out)],
      work: engine.gemmWorkspace(size, outChannels, positions),
    })),
  );
  return out;
}

/**
 * Output channels below which Conv2DBackpropInput keeps the sub-pixel conv of
 * ../conv-backprop-input.ts (which packs all phases into the columns of one product): a phase
 * of conv.c's version is a product with only that many columns (PlaNet's decoder, 30x30x32 to
 * 64x64x3: 84 ms against 46 ms; 5x5x128 to 13x13x64: 63 against 117 ms, one thread).
 */
const INPUT_GRAD_MIN_CHANNELS = 16;

/** Conv2DBackpropInput (= conv2dTranspose) on conv.c, or undefined to run the previous kernel. */
export function conv2dInputGradOnWasm(args: KernelArgs): tf.TensorInfo | undefined {
  if (!kernelGroupOn('conv')) return undefined;
  const { dy, filter } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (!dy || !filter || dy.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return undefined;
  if ((attrs.inputShape[3] as number) < INPUT_GRAD_MIN_CHANNELS) return undefined;
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
  const [n, h, w, c] = attrs.inputShape;
  const { filterHeight: kh, filterWidth: kw, outChannels: oc } = info;
  const at = (t: tf.TensorInfo) => heapOffset(args.backend, t);
  const geometry = [n, h, w, c, kh, kw, sh, sw, info.padInfo.top, info.padInfo.left];
  const flopsPerRow = (2 * kh * kw * oc * c) / (sh * sw);
  for (let py = 0; py < sh; py++) {
    for (let px = 0; px < sw; px++) {
      const rows = n * Math.ceil((h - py) / sh) * Math.ceil((w - px) / sw);
      const parts = partsFor(engine.threads, rows, rows * flopsPerRow, engine.parallel);
      engine.run(
        ranges(rows, parts, MR).map(([row0, size]) => ({
          fn: 'conv2d_backprop_input',
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
          work: engine.convInputGradWorkspace(size, c, kh, kw, sh, sw, oc),
        })),
      );
    }
  }
  return out;
}
