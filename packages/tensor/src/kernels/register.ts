import * as tf from '../tf.js';
import { batchMatMulViaTransposes } from './batch-matmul.js';
import { conv2dBackpropFilterViaConv } from './conv-backprop-filter.js';
import { conv2dBackpropInputViaConv } from './conv-backprop-input.js';
import {
  conv2dInputGradDirectOnWasm,
  smallConvOnWasm,
  smallConvOnXnnpack,
} from './wasm/conv-direct.js';
import { conv2dFilterGradOnWasm, conv2dInputGradOnWasm, conv2dOnWasm } from './wasm/conv.js';
import { GRU_STEP_KERNEL, gruStepKernel } from './wasm/gru.js';
import { matMulOnGemm } from './wasm/matmul.js';
import { sliceOnWasm, splitOnWasm, unpackOnWasm } from './wasm/slice.js';
import { sumOnWasm, tileOnWasm } from './wasm/tile.js';
import { unaryOnWasm } from './wasm/unary.js';

type KernelConfig = tf.KernelConfig;

/** Kernels replaced by {@link registerFastConvKernels}, kept so tests can compare against them. */
const originals = new Map<string, KernelConfig | undefined>();
const registered = new Set<string>();

/**
 * Which fast kernels each backend gets (measured on 2 cores, batch 8 of 64x64 images):
 * - wasm has no Conv2DBackpropFilter at all (conv2d cannot be trained); its
 *   Conv2DBackpropInput (= conv2dTranspose) runs a plain loop at ~2 GFLOP/s, while XNNPACK's
 *   conv2d reaches 15-25, so both are expressed through conv2d.
 * - wasm's BatchMatMul and _FusedMatMul run on our GEMM (wasm/gemm.c), which takes transposes
 *   and batch broadcasts as strides. Without it (VMBRL_WASM_KERNELS without gemm) BatchMatMul
 *   keeps XNNPACK's fast non-transposed 2-D product and rewrites the transposed forms every
 *   dense layer's backward pass uses (15-70x slower in tfjs) with explicit transposes.
 * - wasm's Conv2D, FusedConv2D and both convolution gradients run on wasm/conv.c (implicit
 *   GEMM); with the conv group off, the composed kernels below take over. With few channels
 *   (group direct) Conv2D, FusedConv2D and Conv2DBackpropInput run on wasm/conv_direct.c, and
 *   what it declines there (prelu, elu, dilation along x) on tfjs' XNNPACK kernel.
 * - wasm's Tanh and Softplus (libm, one element at a time) run on wasm/unary.c, its Tile along
 *   the first axis as block copies and its Sum over leading axes in one pass (wasm/tile.ts),
 *   its Slice, Unpack and SplitV as block copies without reading the whole input first (wasm/slice.ts),
 *   and the fused GRU step (wasm/gru.c) is added.
 * - cpu's own Conv2DBackpropFilter is a scalar loop ~30-80x slower than its conv2d; its
 *   Conv2DBackpropInput is faster than its conv2d, so it is kept.
 */
const FAST_KERNELS: Record<string, string[]> = {
  wasm: [
    'Conv2DBackpropFilter',
    'Conv2DBackpropInput',
    'BatchMatMul',
    '_FusedMatMul',
    'Conv2D',
    'FusedConv2D',
    'Tanh',
    'Softplus',
    'Tile',
    'Sum',
    'Slice',
    'Unpack',
    'SplitV',
    GRU_STEP_KERNEL,
  ],
  cpu: ['Conv2DBackpropFilter'],
};

/**
 * Registers this package's convolution-gradient kernels for `backendName` (idempotent).
 * Called by `initBackend`; exported for users who set the tfjs backend themselves.
 */
export function registerFastConvKernels(backendName: string): void {
  for (const kernelName of FAST_KERNELS[backendName] ?? []) {
    const key = `${backendName}/${kernelName}`;
    if (registered.has(key)) continue;
    const original = tf.getKernel(kernelName, backendName);
    originals.set(key, original);
    if (original) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({
      kernelName,
      backendName,
      // The replaced kernel's setup must still run (it binds its wasm function) for fallbacks.
      setupFunc: original?.setupFunc,
      disposeFunc: original?.disposeFunc,
      kernelFunc: makeKernelFunc(kernelName, backendName, original),
    });
    registered.add(key);
  }
}

function makeKernelFunc(
  kernelName: string,
  backendName: string,
  original: KernelConfig | undefined,
): tf.KernelFunc {
  if (kernelName === 'BatchMatMul') {
    if (!original) throw new Error(`No BatchMatMul kernel on ${backendName} to build on`);
    return (args) =>
      matMulOnGemm(args as never, false) ??
      batchMatMulViaTransposes(args as never, backendName, original);
  }
  if (kernelName === '_FusedMatMul') {
    if (!original) throw new Error(`No _FusedMatMul kernel on ${backendName} to build on`);
    return (args) => matMulOnGemm(args as never, true) ?? original.kernelFunc(args);
  }
  if (kernelName === GRU_STEP_KERNEL) return (args) => gruStepKernel(args as never);
  if (kernelName === 'Conv2D' || kernelName === 'FusedConv2D') {
    if (!original) throw new Error(`No ${kernelName} kernel on ${backendName} to build on`);
    const fused = kernelName === 'FusedConv2D';
    return (args) =>
      smallConvOnWasm(args as never, fused) ??
      (smallConvOnXnnpack(args as never, fused) ? undefined : conv2dOnWasm(args as never, fused)) ??
      original.kernelFunc(args);
  }
  if (kernelName === 'Slice' || kernelName === 'Unpack' || kernelName === 'SplitV') {
    if (!original) throw new Error(`No ${kernelName} kernel on ${backendName} to build on`);
    const ours =
      kernelName === 'Slice' ? sliceOnWasm : kernelName === 'Unpack' ? unpackOnWasm : splitOnWasm;
    return (args) => ours(args as never) ?? original.kernelFunc(args);
  }
  if (['Tanh', 'Softplus', 'Tile', 'Sum'].includes(kernelName)) {
    if (!original) throw new Error(`No ${kernelName} kernel on ${backendName} to build on`);
    const ours =
      kernelName === 'Tile'
        ? tileOnWasm
        : kernelName === 'Sum'
          ? sumOnWasm
          : (a: never) => unaryOnWasm(kernelName, a);
    return (args) => ours(args as never) ?? original.kernelFunc(args);
  }
  const fast =
    kernelName === 'Conv2DBackpropFilter'
      ? conv2dBackpropFilterViaConv
      : conv2dBackpropInputViaConv;
  const onWasm =
    backendName !== 'wasm'
      ? undefined
      : kernelName === 'Conv2DBackpropFilter'
        ? conv2dFilterGradOnWasm
        : (a: never) => conv2dInputGradDirectOnWasm(a) ?? conv2dInputGradOnWasm(a);
  return (args) => {
    const ours = onWasm?.(args as never);
    if (ours) return ours;
    const dataFormat = (args.attrs as { dataFormat?: string } | undefined)?.dataFormat ?? 'NHWC';
    if (dataFormat !== 'NHWC' && original) return original.kernelFunc(args);
    return fast(
      args as { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
      backendName,
    );
  };
}

/**
 * The kernel tfjs itself registered for `kernelName` on `backendName` before this package
 * replaced it (undefined if there was none, or nothing was replaced). For tests and benchmarks.
 */
export function getOriginalKernel(kernelName: string, backendName: string) {
  return originals.get(`${backendName}/${kernelName}`);
}

/** True if `kernelName` on `backendName` is this package's kernel (registered by initBackend). */
export function isFastKernel(kernelName: string, backendName: string): boolean {
  return registered.has(`${backendName}/${kernelName}`);
}
