/**
 * Per-layer timings of the convolution-gradient kernels in the PlaNet encoder/decoder at batch
 * --batch: @vmbrl/tensor's kernels against tfjs' own (where the backend has one), and the
 * decoder's first 1x1 -> 5x5 transposed convolution against the equivalent matrix product.
 */
import { intFlag } from '../harness.mjs';
import { kernelRunner } from './kernels.mjs';

export const description =
  'per-layer conv gradient kernels: ours vs tfjs, and the 1x1 deconv vs dense';

// [name, input HxW, in channels, out channels, kernel] of each conv (stride 2, valid).
const ENCODER = [
  ['enc conv0 64->31', 64, 3, 32, 4],
  ['enc conv1 31->14', 31, 32, 64, 4],
  ['enc conv2 14->6', 14, 64, 128, 4],
  ['enc conv3 6->2', 6, 128, 256, 4],
];
// [name, input HxW, in channels, out channels, kernel] of each deconv (stride 2, valid).
const DECODER = [
  ['dec deconv1 5->13', 5, 128, 64, 5],
  ['dec deconv2 13->30', 13, 64, 32, 6],
  ['dec deconv3 30->64', 30, 32, 3, 6],
];

export async function cases(tensor, options) {
  const batch = intFlag(options, 'batch', 8);
  const { tf, getOriginalKernel, isFastKernel } = tensor;
  const backend = tf.getBackend();
  const list = [];
  const keep = [];
  const add = (name, kernel, config, inputs, attrs) => {
    if (!config) return;
    list.push({ name: `${name} ${kernel}`, run: kernelRunner(tf, config, inputs, attrs) });
  };
  const both = (label, kernel, inputs, attrs) => {
    const current = isFastKernel(kernel, backend) ? 'ours' : 'tfjs';
    add(`${label} ${current}`, kernel, tf.getKernel(kernel, backend), inputs, attrs);
    const original = getOriginalKernel(kernel, backend);
    if (original) add(`${label} tfjs`, kernel, original, inputs, attrs);
  };

  for (const [label, h, cin, cout, k] of ENCODER) {
    const x = tf.randomNormal([batch, h, h, cin], 0, 1, 'float32', 1);
    const w = tf.randomNormal([k, k, cin, cout], 0, 1, 'float32', 2);
    const oh = Math.floor((h - k) / 2) + 1;
    const dy = tf.randomNormal([batch, oh, oh, cout], 0, 1, 'float32', 3);
    keep.push(x, w, dy);
    const common = { strides: [2, 2], pad: 'valid', dataFormat: 'NHWC' };
    both(label, 'Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: [k, k, cin, cout] });
    both(label, 'Conv2DBackpropInput', { dy, filter: w }, { ...common, inputShape: x.shape });
  }
  for (const [label, h, cin, cout, k] of DECODER) {
    // conv2dTranspose(x [h], filter [k,k,cout,cin]) = Conv2DBackpropInput with dy = x.
    const x = tf.randomNormal([batch, h, h, cin], 0, 1, 'float32', 4);
    const w = tf.randomNormal([k, k, cout, cin], 0, 1, 'float32', 5);
    const oh = (h - 1) * 2 + k;
    const y = tf.randomNormal([batch, oh, oh, cout], 0, 1, 'float32', 6);
    keep.push(x, w, y);
    const common = { strides: [2, 2], pad: 'valid', dataFormat: 'NHWC' };
    both(
      `${label} forward`,
      'Conv2DBackpropInput',
      { dy: x, filter: w },
      { ...common, inputShape: [batch, oh, oh, cout] },
    );
    both(
      `${label} weight grad`,
      'Conv2DBackpropFilter',
      { x: y, dy: x },
      { ...common, filterShape: [k, k, cout, cin] },
    );
  }

  // Decoder's first layer: 1x1 input, 1024 -> 5x5x128.
  const feat = tf.randomNormal([batch, 1024], 0, 1, 'float32', 7);
  const first = tf.randomNormal([5, 5, 128, 1024], 0, 0.02, 'float32', 8);
  const asMatrix = tf.reshape(tf.transpose(first, [3, 0, 1, 2]), [1024, 5 * 5 * 128]);
  keep.push(feat, first, asMatrix);
  const firstOriginal =
    getOriginalKernel('Conv2DBackpropInput', backend) ??
    tf.getKernel('Conv2DBackpropInput', backend);
  const feat4d = tf.reshape(feat, [batch, 1, 1, 1024]);
  keep.push(feat4d);
  add(
    'dec first 1->5 as conv2dTranspose (tfjs)',
    'Conv2DBackpropInput',
    firstOriginal,
    { dy: feat4d, filter: first },
    {
      strides: [2, 2],
      pad: 'valid',
      dataFormat: 'NHWC',
      inputShape: [batch, 5, 5, 128],
    },
  );
  list.push({
    name: 'dec first 1->5 as matMul (ours)',
    run: () => tf.tidy(() => void tf.matMul(feat, asMatrix).dataSync()),
  });
  list[list.length - 1].dispose = () => {
    for (const t of keep) t.dispose();
  };
  return list;
}
