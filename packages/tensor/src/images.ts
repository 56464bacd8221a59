import * as tf from './tf.js';

/** Options of {@link imagesToFloat}. */
export interface ImagesToFloatOptions {
  /** Bits kept per channel, 1..8. Default 8. PlaNet uses 5. */
  bitDepth?: number;
  /** Add uniform dequantisation noise U(0, 2^-b) when bitDepth < 8. Default true. */
  noise?: boolean;
  /** Seed of the dequantisation noise (tfjs random op seed). */
  noiseSeed?: number;
}

/**
 * uint8-valued images (int32 or float32 tensor, values 0..255, channels last) to network
 * inputs in [-0.5, 0.5]: x / 255 - 0.5 at 8 bits; with fewer bits PlaNet's quantisation
 * floor(x / 2^(8-b)) / 2^b + U(0, 2^-b) - 0.5.
 */
export function imagesToFloat(images: tf.Tensor, options: ImagesToFloatOptions = {}): tf.Tensor {
  const bitDepth = options.bitDepth ?? 8;
  if (!Number.isInteger(bitDepth) || bitDepth < 1 || bitDepth > 8) {
    throw new Error(`imagesToFloat: bitDepth must be an integer in 1..8, got ${bitDepth}`);
  }
  if (images.dtype !== 'int32' && images.dtype !== 'float32') {
    throw new Error(
      `imagesToFloat: expected an int32 or float32 tensor of 0..255, got ${images.dtype}`,
    );
  }
  if (images.rank < 3 || images.shape[images.rank - 1] !== 3) {
    throw new Error(`imagesToFloat: expected images [..., H, W, 3], got [${images.shape}]`);
  }
  return tf.tidy(() => {
    const x = tf.cast(images, 'float32');
    if (bitDepth === 8) return tf.sub(tf.div(x, 255), 0.5);
    const bins = 2 ** bitDepth;
    // PlaNet: floor(x / 2^(8-b)) / 2^b + U(0, 1/2^b) - 0.5
    let y = tf.div(tf.floor(tf.div(x, 2 ** (8 - bitDepth))), bins);
    if (options.noise ?? true) {
      y = tf.add(y, tf.randomUniform(x.shape, 0, 1 / bins, 'float32', options.noiseSeed));
    }
    return tf.sub(y, 0.5);
  });
}

/** Network images in [-0.5, 0.5] back to 0..255 (int32 tensor, rounded and clipped). */
export function floatToUint8(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() =>
    tf.cast(tf.clipByValue(tf.round(tf.mul(tf.add(x, 0.5), 255)), 0, 255), 'int32'),
  );
}

/** Like {@link floatToUint8} but returns the pixels as a Uint8Array (e.g. for PNG writers). */
export function floatToUint8Array(x: tf.Tensor): Uint8Array {
  const pixels = floatToUint8(x);
  const out = Uint8Array.from(pixels.dataSync());
  pixels.dispose();
  return out;
}
