import { tf } from '@vmbrl/tensor';
import type { ImageLossMask } from './config.js';

/** Side of the square images the models read and write. */
export const IMAGE_SIZE = 64;

/**
 * Restrict a batch of images [N, 64, 64, 3] to the part the loss looks at: all pixels, the
 * centre `size` x `size` crop, or an area-downsampled `size` x `size` copy. Applied to target
 * and prediction alike, so the encoder still sees the full image (design-study ablation).
 */
export function maskImages(images: tf.Tensor4D, mask: ImageLossMask): tf.Tensor4D {
  switch (mask.kind) {
    case 'full':
      return images;
    case 'centerCrop': {
      const offset = Math.floor((IMAGE_SIZE - mask.size) / 2);
      return tf.slice(images, [0, offset, offset, 0], [-1, mask.size, mask.size, -1]);
    }
    case 'resize': {
      const factor = IMAGE_SIZE / mask.size;
      if (factor === 1) return images;
      // Mean over factor x factor blocks: area resize, differentiable.
      return tf.avgPool(images, factor, factor, 'valid');
    }
    default:
      throw new Error(
        `maskImages: unknown mask ${JSON.stringify(mask)}; allowed kinds: full, centerCrop, resize`,
      );
  }
}

/**
 * Image term of the loss: squared error summed over the (masked) pixels and channels, averaged
 * over images. This is the negative log-likelihood of a unit-variance Gaussian decoder up to a
 * constant and a factor 1/2 (PlaNet section 3), the convention of the PyTorch anchor.
 */
export function imageLoss(
  prediction: tf.Tensor4D,
  target: tf.Tensor4D,
  mask: ImageLossMask,
): tf.Scalar {
  return tf.tidy(() => {
    const diff = tf.sub(maskImages(prediction, mask), maskImages(target, mask));
    return tf.mean(tf.sum(tf.square(diff), [1, 2, 3]));
  }) as tf.Scalar;
}
