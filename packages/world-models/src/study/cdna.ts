/**
 * The pixel transformations of SV2P's generator (Finn et al. 2016, section 3; Babaeizadeh et al.
 * 2018): the next frame is a per-pixel mixture, by softmax masks, of the previous frame, an
 * image generated from scratch, and M copies of the previous frame each convolved with its own
 * predicted k x k kernel (CDNA). Mixing M convolved copies by masks equals one DNA transform
 * (a k x k kernel per pixel) with the mask-weighted kernel sum_m mask_m K_m, which is how it is
 * computed here: k*k shifted windows of the zero-padded frame, weighted per pixel, with no
 * gather, no strided slice and no depthwise convolution (tfjs-wasm has gradients for none of
 * them) and no channel-axis concat or slice (slow on wasm).
 *
 * Kernels are correlations over a zero-padded ('same') window, as TensorFlow's depthwise_conv2d
 * in the reference code: tap d = a * k + b of a k x k kernel reads pixel (y + a - r, x + b - r)
 * with r = (k - 1) / 2.
 */
import { tf } from '@vmbrl/tensor';
import { splitChannels } from './channels.js';

function checkOddKernel(k: number, where: string): void {
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0) {
    throw new Error(`${where}: kernel size ${k} must be an odd integer >= 1`);
  }
}

/**
 * CDNA kernel normalisation (Finn et al. 2016; the study code's relu_shift): each kernel becomes
 * relu(raw - shift) + shift, divided by its sum, so it is non-negative and sums to 1.
 * raw [N, M, k*k] -> [N, M, k*k].
 */
export function normaliseKernels(raw: tf.Tensor3D, reluShift: number): tf.Tensor3D {
  return tf.tidy(() => {
    const positive = tf.add(tf.relu(tf.sub(raw, reluShift)), reluShift);
    return tf.div(positive, tf.sum(positive, -1, true)) as tf.Tensor3D;
  });
}

/**
 * Dynamic neural advection (Finn et al. 2016): out[n, y, x, c] = sum_d kernels[n, y, x, d] *
 * image[n, y + a_d - r, x + b_d - r, c], zero outside the image. image [N, H, W, C], kernels
 * [N, H, W, k*k] -> [N, H, W, C]. The kernels are used as given (not normalised).
 */
export function dnaTransform(image: tf.Tensor4D, kernels: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w] = image.shape;
  const taps = kernels.shape[3];
  if (kernels.shape.slice(0, 3).join() !== [n, h, w].join()) {
    throw new Error(
      `dnaTransform: kernels [${kernels.shape}] must be [${n}, ${h}, ${w}, k*k] for image [${image.shape}]`,
    );
  }
  return tf.tidy(() => advect(image, tf.transpose(kernels, [0, 3, 1, 2]), taps));
}

/**
 * The DNA transform with tap-major kernels [N, k*k, H, W] (as cdnaComposite's product gives
 * them, so no transpose is needed), computed directly: k*k multiply-adds per output value where
 * the former one-hot [k, k, 1, k*k] convolution made k*k shifted copies (k^4 multiply-adds per
 * pixel) and then a k*k-channel product.
 *
 * Each channel plane is zero padded to rows of W + 2r (and one spare row) and flattened, so tap
 * (a, b)'s window is one contiguous run per plane starting at a (W + 2r) + b: out is computed on
 * the padded width, where the kernels are zero beyond column W, and cropped once. A tap's
 * kernel plane [N, H * (W + 2r)] broadcasts over the leading channel axis. Every op has a native
 * wasm kernel and a gradient (slice's is a pad, unstack's a stack), so autodiff differentiates
 * w.r.t. both inputs.
 */
function advect(image: tf.Tensor4D, byTap: tf.Tensor4D, taps: number): tf.Tensor4D {
  const [n, h, w, c] = image.shape;
  const k = Math.round(Math.sqrt(taps));
  if (k * k !== taps || byTap.shape.join() !== [n, taps, h, w].join()) {
    throw new Error(
      `dnaTransform: kernels of ${taps} taps ([${byTap.shape}]) must be k*k for image [${image.shape}]`,
    );
  }
  checkOddKernel(k, 'dnaTransform');
  const r = (k - 1) / 2;
  const wp = w + 2 * r;
  const rows = h + 2 * r + (r > 0 ? 1 : 0); // the spare row holds the last windows' overrun
  const padded = tf.reshape(
    tf.pad(tf.transpose(image, [3, 0, 1, 2]), [
      [0, 0],
      [0, 0],
      [r, rows - h - r],
      [r, r],
    ]),
    [c, n, rows * wp],
  );
  const wide = tf.reshape(
    r > 0
      ? tf.pad(byTap, [
          [0, 0],
          [0, 0],
          [0, 0],
          [0, 2 * r],
        ])
      : byTap,
    [n, taps, h * wp],
  );
  // tfjs' unstack gradient fails for one piece (k = 1).
  const planes = taps === 1 ? [tf.reshape(wide, [n, h * wp])] : tf.unstack(wide, 1);
  const terms: tf.Tensor[] = [];
  for (let a = 0; a < k; a += 1) {
    for (let b = 0; b < k; b += 1) {
      const window = tf.slice(padded, [0, 0, a * wp + b], [c, n, h * wp]);
      terms.push(tf.mul(window, planes[a * k + b] as tf.Tensor));
    }
  }
  const summed = terms.length === 1 ? (terms[0] as tf.Tensor) : tf.addN(terms);
  const cropped = tf.slice(tf.reshape(summed, [c, n, h, wp]), [0, 0, 0, 0], [c, n, h, w]);
  return tf.transpose(cropped, [1, 2, 3, 0]) as tf.Tensor4D;
}

/**
 * SV2P's next frame: masks [N, H, W, M + 2] (softmax-normalised over the last axis) mix
 * channel 0: the previous frame, channel 1: the generated image, channels 2..M+1: the previous
 * frame correlated with kernels[:, m] (normalised CDNA kernels [N, M, k*k]).
 *
 * The study code gives M + 1 masks to M + 2 candidates and so silently drops the last CDNA
 * kernel; here every candidate has its own mask.
 */
export function cdnaComposite(
  previous: tf.Tensor4D,
  generated: tf.Tensor4D,
  masks: tf.Tensor4D,
  kernels: tf.Tensor3D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = previous.shape;
    const [kn, m, taps] = kernels.shape;
    if (kn !== n || masks.shape.join() !== [n, h, w, m + 2].join()) {
      throw new Error(
        `cdnaComposite: masks [${masks.shape}] must be [${n}, ${h}, ${w}, M + 2] for kernels [${kernels.shape}]`,
      );
    }
    const [keep, fresh, moving] = splitChannels(masks, [1, 1, m]) as [
      tf.Tensor4D,
      tf.Tensor4D,
      tf.Tensor4D,
    ];
    // Per-pixel kernel sum_m mask_m(y, x) K_m, tap-major: [N, k*k, M] x [N, M, H*W].
    const perPixel = tf.matMul(kernels, tf.reshape(moving, [n, h * w, m]), true, true);
    const advected = advect(previous, tf.reshape(perPixel, [n, taps, h, w]), taps);
    return tf.addN([tf.mul(keep, previous), tf.mul(fresh, generated), advected]) as tf.Tensor4D;
  });
}
