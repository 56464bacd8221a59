import * as tf from '../../tf.js';
import {
  type WasmBackendLike,
  heapOffset,
  kernelGroupOn,
  wasmKernelsFor,
} from './backend-kernels.js';
import { MR, ranges } from './gemm-call.js';

/**
 * One GRU cell step as a single wasm kernel (gru.c), for forward passes that record no
 * gradients (planning, acting, evaluation): two products with sigmoid and tanh applied as they
 * are written, the rest in two passes, rows split across the worker pool. Under a gradient tape
 * the layer keeps its tfjs ops, whose gradients tfjs knows.
 */
export const GRU_STEP_KERNEL = 'VmbrlGruStep';

/** Rows below which a step stays on one thread. */
const PARALLEL_MIN_ROWS = 64;

type Inputs = Record<
  'x' | 'h' | 'gateKernel' | 'gateBias' | 'candidateKernel' | 'candidateBias',
  tf.TensorInfo
>;

/** The kernel function of {@link GRU_STEP_KERNEL} on wasm. */
export function gruStepKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
}): tf.TensorInfo {
  const { x, h, gateKernel, gateBias, candidateKernel, candidateBias } = args.inputs as Inputs;
  const engine = wasmKernelsFor(args.backend);
  if (!engine) throw new Error(`${GRU_STEP_KERNEL}: the wasm kernels cannot run here`);
  const [rows, inDim] = x.shape as [number, number];
  const units = h.shape[1] as number;
  const backend = args.backend as unknown as WasmBackendLike;
  const out = backend.makeOutput([rows, units], 'float32');
  const at = (t: tf.TensorInfo) => heapOffset(args.backend, t);
  const weights = [at(gateKernel), at(gateBias), at(candidateKernel), at(candidateBias)];
  const parts = engine.partsFor(rows, PARALLEL_MIN_ROWS);
  engine.run(
    ranges(rows, parts, MR).map(([start, size]) => ({
      fn: 'gru_step',
      args: [
        size,
        inDim,
        units,
        at(x) + 4 * start * inDim,
        at(h) + 4 * start * units,
        ...weights,
        at(out) + 4 * start * units,
      ],
      work: engine.gruWorkspace(size, inDim, units),
    })),
  );
  return out;
}

/**
 * h' of the GRU cell of ../../layers/gru.ts as one kernel, or undefined when it should run as
 * tfjs ops: a gradient tape is recording, the backend is not wasm, the group is off.
 */
export function fusedGruStep(
  x: tf.Tensor,
  h: tf.Tensor,
  gateKernel: tf.Tensor,
  gateBias: tf.Tensor,
  candidateKernel: tf.Tensor,
  candidateBias: tf.Tensor,
): tf.Tensor | undefined {
  if (!kernelGroupOn('gru') || tf.getBackend() !== 'wasm') return undefined;
  const engine = tf.engine() as unknown as { state: { gradientDepth: number } };
  if (engine.state.gradientDepth > 0 || !tf.getKernel(GRU_STEP_KERNEL, 'wasm')) return undefined;
  if (!wasmKernelsFor(tf.backend())) return undefined;
  const inputs = [x, h, gateKernel, gateBias, candidateKernel, candidateBias];
  if (inputs.some((t) => t.dtype !== 'float32')) return undefined;
  return tf.engine().runKernel(GRU_STEP_KERNEL, {
    x,
    h,
    gateKernel,
    gateBias,
    candidateKernel,
    candidateBias,
  }) as tf.Tensor;
}
