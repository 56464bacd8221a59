/**
 * @vmbrl/tensor in the browser (the `browser` export condition): the layers, distributions,
 * Adam, images and checkpoints restored from bytes, with {@link initBrowserBackend} in place of
 * `initBackend`. Nothing here imports a Node module; saving and loading checkpoint directories
 * stays in the Node entry and throws here.
 */
import './tf.js';
import * as tf from '@tensorflow/tfjs-core';
import type { CheckpointContents, LoadedCheckpoint } from './checkpoint-restore.js';

export { tf };
export {
  type BrowserBackend,
  type BrowserBackendName,
  type BrowserBackendOptions,
  initBrowserBackend,
} from './browser-backend.js';
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

function nodeOnly(name: string): never {
  throw new Error(
    `${name} reads or writes a checkpoint directory; in the browser use restoreCheckpoint(manifest, bytes, ...)`,
  );
}

/** Node only: throws in the browser. */
export async function saveCheckpoint(_dir: string, _contents: CheckpointContents): Promise<void> {
  nodeOnly('saveCheckpoint');
}

/** Node only: throws in the browser. */
export async function loadCheckpoint(
  _dir: string,
  _contents: CheckpointContents,
): Promise<LoadedCheckpoint> {
  return nodeOnly('loadCheckpoint');
}
