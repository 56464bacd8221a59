import * as tf from '@tensorflow/tfjs';
import { KernelComposer } from './compose.js';

type TensorInfo = tf.TensorInfo;

/**
 * Conv2DBackpropInput (= conv2dTranspose, and conv2d's input gradient) by sub-pixel
 * decomposition. Output row h = s*m + p (phase p) only receives filter taps t = s*j + r with
 * r = (p + padTop) mod s, so every phase is an ordinary stride-1 correlation of dy with a
 * flipped sub-filter. All s_h*s_w sub-filters are packed side by side into the output channels
 * of ONE stride-1 conv2d, whose result is interleaved back (depth-to-space) and cropped.
 * Unlike zero-dilating dy, no multiply hits an inserted zero (apart from sub-filters padded to
 * a common window when phases have different tap counts, e.g. odd kernel sizes).
 */
export function conv2dBackpropInputViaConv(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
  backendName: string,
): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC');
  if (dataFormat !== 'channelsLast') {
    throw new Error(`Conv2DBackpropInput fast path: dataFormat '${attrs.dataFormat}' unsupported`);
  }
  const [batch, height, width, inChannels] = attrs.inputShape;
  const [kh, kw, , outChannels] = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
  const rows = phaseLayout(kh, info.strideHeight, info.padInfo.top, height, info.outHeight);
  const cols = phaseLayout(kw, info.strideWidth, info.padInfo.left, width, info.outWidth);
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const phases = sh * sw;

  const composer = new KernelComposer(args.backend, backendName);
  let indices: TensorInfo | undefined;
  try {
    // Packed filter [windowH, windowW, outChannels, phases * inChannels]: gather taps from the
    // flattened filter, with index kh*kw pointing at an appended zero tap.
    const flat = composer.reshape(filter, [kh * kw, inChannels, outChannels]);
    const withZero = composer.run(
      'PadV2',
      { x: flat },
      {
        paddings: [
          [0, 1],
          [0, 0],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    const tapIndex = packedTapIndices(rows, cols, kw, kh * kw);
    indices = writeInt32(args.backend, tapIndex);
    const gathered = composer.run('GatherV2', { x: withZero, indices }, { axis: 0, batchDims: 0 }); // [wh*ww*phases, ci, co]
    const window = rows.window * cols.window;
    const grouped = composer.reshape(gathered, [window, phases, inChannels, outChannels]);
    const packedT = composer.transpose(grouped, [0, 3, 1, 2]); // [window, co, phases, ci]
    const packed = composer.reshape(packedT, [
      rows.window,
      cols.window,
      outChannels,
      phases * inChannels,
    ]);

    // dy cropped where the window starts inside it, padded where it starts outside.
    const cropTop = Math.max(0, -rows.padBefore);
    const cropLeft = Math.max(0, -cols.padBefore);
    const cropBottom = Math.max(0, -rows.padAfter);
    const cropRight = Math.max(0, -cols.padAfter);
    const dyShape = dy.shape as [number, number, number, number];
    const dyCropped = composer.slice(
      dy,
      [0, cropTop, cropLeft, 0],
      [batch, dyShape[1] - cropTop - cropBottom, dyShape[2] - cropLeft - cropRight, outChannels],
    );
    const conv = composer.conv2d(dyCropped, packed, [
      [Math.max(0, rows.padBefore), Math.max(0, rows.padAfter)],
      [Math.max(0, cols.padBefore), Math.max(0, cols.padAfter)],
    ]); // [n, M, M', phases * ci] with channels ordered (phase row, phase col, ci)

    // Depth-to-space as a 4-D transpose: [n*M, M', sh, sw*ci] -> [n*M, sh, M', sw*ci].
    const split = composer.reshape(conv, [batch * rows.count, cols.count, sh, sw * inChannels]);
    const interleaved = composer.transpose(split, [0, 2, 1, 3]);
    const full = composer.reshape(interleaved, [
      batch,
      rows.count * sh,
      cols.count * sw,
      inChannels,
    ]);
    let out = composer.slice(full, [0, 0, 0, 0], [batch, height, width, inChannels]);
    if (out === dy || out === filter) out = composer.identity(out);
    return composer.finish(out);
  } catch (error) {
    composer.abort();
    throw error;
  } finally {
    if (indices) args.backend.disposeData(indices.dataId);
  }
}

/** Where each output phase of one spatial axis reads dy and which filter taps it uses. */
interface PhaseLayout {
  stride: number;
  /** Outputs per phase (ceil(outSize / stride)); extra rows are cropped at the end. */
  count: number;
  /** Common correlation window length over all phases. */
  window: number;
  /** For each phase and window position, the filter tap (or -1 for none). */
  taps: number[][];
  /** Padding of dy before/after (negative: crop). */
  padBefore: number;
  padAfter: number;
}

/**
 * Output index o = s*i + t - pad (i: dy index, t: tap). For phase p (o = s*m + p), taps are
 * t = s*j + r with r = (p + pad) mod s, read at i = m + c - j with c = floor((p + pad) / s).
 */
export function phaseLayout(
  kernel: number,
  stride: number,
  padStart: number,
  outSize: number,
  dySize: number,
): PhaseLayout {
  const count = Math.ceil(outSize / stride);
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.NEGATIVE_INFINITY;
  const phaseInfo: Array<{ r: number; c: number; length: number }> = [];
  for (let p = 0; p < stride; p++) {
    const r = (p + padStart) % stride;
    const c = Math.floor((p + padStart) / stride);
    const length = r < kernel ? Math.ceil((kernel - r) / stride) : 0;
    phaseInfo.push({ r, c, length });
    if (length > 0) {
      windowStart = Math.min(windowStart, c - length + 1);
      windowEnd = Math.max(windowEnd, c);
    }
  }
  const window = windowEnd - windowStart + 1;
  // taps[p][u]: window position u reads dy[m + windowStart + u], i.e. j = c - windowStart - u.
  const taps = phaseInfo.map(({ r, c, length }) =>
    Array.from({ length: window }, (_, u) => {
      const j = c - windowStart - u;
      return j >= 0 && j < length ? stride * j + r : -1;
    }),
  );
  const padBefore = -windowStart;
  // Last window row read: (count - 1) + windowEnd; dy has rows 0..dySize-1.
  const padAfter = count - 1 + windowEnd - (dySize - 1);
  return { stride, count, window, taps, padBefore, padAfter };
}

/** Flat tap indices in [window_h, window_w, phase_h, phase_w] order into the [kh*kw+1] taps. */
function packedTapIndices(
  rows: PhaseLayout,
  cols: PhaseLayout,
  kw: number,
  zeroTap: number,
): Int32Array {
  const out = new Int32Array(rows.window * cols.window * rows.stride * cols.stride);
  let k = 0;
  for (let u = 0; u < rows.window; u++) {
    for (let v = 0; v < cols.window; v++) {
      for (let ph = 0; ph < rows.stride; ph++) {
        for (let pw = 0; pw < cols.stride; pw++) {
          const t = rows.taps[ph]?.[u] ?? -1;
          const q = cols.taps[pw]?.[v] ?? -1;
          out[k++] = t >= 0 && q >= 0 ? t * kw + q : zeroTap;
        }
      }
    }
  }
  return out;
}

function writeInt32(backend: tf.KernelBackend, values: Int32Array): TensorInfo {
  const shape = [values.length];
  const dataId = backend.write(values, shape, 'int32');
  return { dataId, shape, dtype: 'int32' };
}
