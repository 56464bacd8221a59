/**
 * What @vmbrl/tensor exports in Node and in the browser alike (no Node module reachable from
 * here): `index.ts` and `browser.ts` both re-export it and add their backend selection and,
 * in Node, checkpoint directories.
 */
// The registrations first (gradients, chained ops, CPU kernels); `tf` is tfjs-core's namespace.
import './tf.js';
import * as tf from '@tensorflow/tfjs-core';

export { tf };
export { getOriginalKernel, isFastKernel, registerFastConvKernels } from './kernels/register.js';
export { Rng, splitSeed, type RngState } from '@vmbrl/core';
export { Normal, TanhNormal, Bernoulli, klNormal, stopGradient } from './distributions.js';
export { Module, type ModuleOptions } from './layers/module.js';
export { type Activation, applyActivation } from './layers/activations.js';
export { Dense, MLP, layerNorm, type DenseOptions, type MLPOptions } from './layers/dense.js';
export { GRUCell } from './layers/gru.js';
export { Conv2D, Conv2DTranspose, type ConvOptions } from './layers/conv.js';
export { ConvEncoder, ConvDecoder, type VisionOptions } from './layers/vision.js';
export { Adam, type AdamOptions, type AdamState, type StepResult } from './adam.js';
export {
  imagesToFloat,
  floatToUint8,
  floatToUint8Array,
  type ImagesToFloatOptions,
} from './images.js';
export {
  restoreCheckpoint,
  type CheckpointContents,
  type LoadedCheckpoint,
  type StoredTensor,
} from './checkpoint-restore.js';
