/**
 * Channel splits of NHWC maps that stay fast on tfjs-wasm: its Concat, Slice and Split along
 * the last axis copy one pixel's channels at a time from JavaScript, so splits go through a
 * transpose (native) and slices along the leading axis (one contiguous copy each).
 */
import { tf } from '@vmbrl/tensor';

/** x [N, H, W, sum(sizes)] -> maps [N, H, W, size_i], in order. */
export function splitChannels(x: tf.Tensor4D, sizes: number[]): tf.Tensor4D[] {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const total = sizes.reduce((s, v) => s + v, 0);
    if (total !== c)
      throw new Error(`splitChannels: sizes ${sizes} do not add up to ${c} channels`);
    const rows = n * h * w;
    const first = sizes[0] as number;
    if (sizes.every((s) => s === first)) {
      // [rows, k, s] -> [k, rows, s]: part i is one contiguous block.
      const grouped = tf.transpose(tf.reshape(x, [rows, sizes.length, first]), [1, 0, 2]);
      return sizes.map((_, i) =>
        tf.reshape(tf.slice(grouped, [i, 0, 0], [1, rows, first]), [n, h, w, first]),
      );
    }
    const byChannel = tf.transpose(tf.reshape(x, [rows, c])); // [c, rows]
    let start = 0;
    return sizes.map((size) => {
      const part = tf.slice(byChannel, [start, 0], [size, rows]);
      start += size;
      const back = size === 1 ? part : tf.transpose(part);
      return tf.reshape(back, [n, h, w, size]);
    });
  });
}
