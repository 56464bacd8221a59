import * as tf from '../tf.js';
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

  const composer = new KernelComposer(args.backend, backendName);
  try {
    const packed = packFilter(composer, filter, rows, cols, inChannels, outChannels);

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
  }
}

/** Where each output phase of one spatial axis reads dy and which filter taps it uses. */
interface PhaseLayout {
  stride: number;
  /** Outputs per phase (ceil(outSize / stride)); extra rows are cropped at the end. */
  count: number;
  /** Common correlation window length over all phases. */
  window: number;
  /** Zero taps to put before the filter so that a reshape to [window, stride] aligns phases. */
  tapOffset: number;
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
  for (let p = 0; p < stride; p++) {
    const r = (p + padStart) % stride;
    const c = Math.floor((p + padStart) / stride);
    const length = r < kernel ? Math.ceil((kernel - r) / stride) : 0;
    if (length > 0) {
      windowStart = Math.min(windowStart, c - length + 1);
      windowEnd = Math.max(windowEnd, c);
    }
  }
  const window = windowEnd - windowStart + 1;
  const padBefore = -windowStart;
  // Last window row read: (count - 1) + windowEnd; dy has rows 0..dySize-1.
  const padAfter = count - 1 + windowEnd - (dySize - 1);
  const tapOffset = stride * (window - 1) - padStart + stride * windowStart;
  if (tapOffset < 0 || tapOffset + kernel > stride * window) {
    throw new Error(`phaseLayout: taps do not fit the window (kernel ${kernel}, stride ${stride})`);
  }
  return { stride, count, window, tapOffset, padBefore, padAfter };
}

/**
 * Packs the sub-filters of all phases into one filter [windowH, windowW, outC, phases * inC].
 * Along one axis, phase p at window position u uses tap t = pad - s*windowStart + p - s*u, so
 * after padding the taps by L = s*(window-1) - pad + s*windowStart in front, t + L =
 * s*(window-1-u) + p: a reshape to [window, s] puts phase p in column p and window position u
 * in row window-1-u. One 5-D transpose orders the axes, then the window axes are reversed.
 * (Only pads, reshapes, one transpose and slices: wasm's gather and reverse are slow.)
 */
function packFilter(
  composer: KernelComposer,
  filter: TensorInfo,
  rows: PhaseLayout,
  cols: PhaseLayout,
  inChannels: number,
  outChannels: number,
): TensorInfo {
  const [kh, kw] = filter.shape as [number, number];
  const [sh, sw] = [rows.stride, cols.stride];
  const padded = composer.run(
    'PadV2',
    { x: filter },
    {
      paddings: [
        [rows.tapOffset, sh * rows.window - rows.tapOffset - kh],
        [cols.tapOffset, sw * cols.window - cols.tapOffset - kw],
        [0, 0],
        [0, 0],
      ],
      constantValue: 0,
    },
  ); // [wh*sh, ww*sw, ci, co]
  const split = composer.reshape(padded, [
    rows.window,
    sh,
    cols.window,
    sw * inChannels,
    outChannels,
  ]);
  const ordered = composer.transpose(split, [0, 2, 4, 1, 3]); // [wh, ww, co, sh, sw*ci]
  const flipped = composer.reshape(ordered, [
    rows.window,
    cols.window,
    outChannels,
    sh * sw * inChannels,
  ]);
  return reverseAxis(composer, reverseAxis(composer, flipped, 0), 1);
}

/** Reverses a short axis by slicing it into single entries and concatenating them back. */
function reverseAxis(composer: KernelComposer, x: TensorInfo, axis: number): TensorInfo {
  const length = x.shape[axis] as number;
  if (length === 1) return x;
  const size = [...x.shape];
  size[axis] = 1;
  const parts: TensorInfo[] = [];
  for (let i = length - 1; i >= 0; i--) {
    const begin = x.shape.map(() => 0);
    begin[axis] = i;
    parts.push(composer.slice(x, begin, size));
  }
  return composer.concat(parts, axis);
}
