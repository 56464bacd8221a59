import * as tf from '../tf.js';
import { KernelComposer } from './compose.js';

type TensorInfo = tf.TensorInfo;

/**
 * Conv2DBackpropFilter (the weight gradient of conv2d) as one dilated convolution:
 *
 *   dW[a, b, ci, co] = sum_{n, i, j} xpad[n, a + s_h i, b + s_w j, ci] * dy[n, i, j, co]
 *
 * which is a stride-1 convolution of x viewed as [ci, H, W, n] with dy viewed as the filter
 * [OH, OW, n, co] and dilated by the forward strides. The result [ci, >=kh, >=kw, co] is
 * cropped to the filter size and transposed to [kh, kw, ci, co].
 */
export function conv2dBackpropFilterViaConv(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
  backendName: string,
): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC');
  if (dataFormat !== 'channelsLast') {
    throw new Error(
      `Conv2DBackpropFilter on ${backendName}: only dataFormat 'NHWC' is supported, got '${attrs.dataFormat}'`,
    );
  }
  const filterShape = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
  const [kh, kw, inChannels, outChannels] = filterShape;
  const { top, bottom, left, right } = info.padInfo;
  const composer = new KernelComposer(args.backend, backendName);
  try {
    const xT = composer.transpose(x, [3, 1, 2, 0]); // [ci, H, W, n]
    const dyT = composer.transpose(dy, [1, 2, 0, 3]); // [OH, OW, n, co]
    // Rows/cols of x beyond the last one the forward conv read are cut by the 'valid' extent
    // of the dilated conv anyway, so the forward padding can be used as is.
    const [sh, sw] = [info.strideHeight, info.strideWidth];
    const dilated = convWithDilations(composer, xT, dyT, [top, bottom, left, right], [sh, sw]);
    const cropped = composer.slice(dilated, [0, 0, 0, 0], [inChannels, kh, kw, outChannels]);
    return composer.finish(composer.transpose(cropped, [1, 2, 0, 3]));
  } catch (error) {
    composer.abort();
    throw error;
  }
}

function convWithDilations(
  composer: KernelComposer,
  x: TensorInfo,
  filter: TensorInfo,
  [top, bottom, left, right]: number[],
  [dh, dw]: number[],
): TensorInfo {
  const pad = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ] as tf.backend_util.ExplicitPadding;
  return composer.run(
    'Conv2D',
    { x, filter },
    { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [dh as number, dw as number] },
  );
}
