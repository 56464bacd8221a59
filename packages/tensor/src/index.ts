/**
 * @vmbrl/tensor: backend selection, seeded randomness, distributions, layers, Adam,
 * checkpoints and image helpers on TensorFlow.js, shared by every vmbrl package.
 */
// The registrations first (gradients, chained ops, CPU kernels); `tf` is tfjs-core's namespace.
import './tf.js';
import * as tf from '@tensorflow/tfjs-core';

export { tf };
export {
  initBackend,
  currentBackend,
  currentWasmThreads,
  DEFAULT_WASM_THREADS_MODE,
  type BackendName,
  type InitBackendOptions,
} from './backend.js';
export { getOriginalKernel, isFastKernel, registerFastConvKernels } from './kernels/register.js';
export {
  KERNEL_GROUPS,
  type KernelGroup,
  setWasmKernels,
  wasmKernelGroups,
} from './kernels/wasm/backend-kernels.js';
export { MAX_WASM_THREADS, wasmThreadInfo } from './wasm-threads.js';
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
  saveCheckpoint,
  loadCheckpoint,
  checkpointExists,
  readCheckpointFiles,
  readCheckpointTensors,
  type StoredTensor,
  type CheckpointContents,
  type LoadedCheckpoint,
} from './checkpoint.js';
export { restoreCheckpoint } from './checkpoint-restore.js';
