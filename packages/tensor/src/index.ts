/**
 * @vmbrl/tensor: backend selection, seeded randomness, distributions, layers, Adam,
 * checkpoints and image helpers on TensorFlow.js, shared by every vmbrl package.
 */
export * from './portable.js';
export {
  initBackend,
  currentBackend,
  currentWasmThreads,
  DEFAULT_WASM_THREADS_MODE,
  type BackendName,
  type InitBackendOptions,
} from './backend.js';
export {
  KERNEL_GROUPS,
  type KernelGroup,
  setWasmKernels,
  wasmKernelGroups,
} from './kernels/wasm/backend-kernels.js';
export { MAX_WASM_THREADS, wasmThreadInfo } from './wasm-threads.js';
export {
  saveCheckpoint,
  loadCheckpoint,
  checkpointExists,
  readCheckpointFiles,
  readCheckpointTensors,
} from './checkpoint.js';
