import type * as tf from '../../tf.js';
import { KernelComposer } from '../compose.js';
import {
  type KernelArgs,
  type WasmBackendLike,
  heapOffset,
  kernelGroupOn,
  wasmKernelsFor,
} from './backend-kernels.js';
import { GEMM_ACTIVATIONS, type GemmCall } from './gemm-call.js';

/**
 * BatchMatMul and _FusedMatMul for the wasm backend on our GEMM (gemm.c): every transpose and
 * batch broadcast is a stride, so no operand is copied; bias, relu, relu6, leakyrelu and
 * sigmoid are applied as the product is written; elu and prelu by tfjs' own kernel afterwards.
 */

/** Activations applied by a tfjs kernel after the product: its name and extra inputs. */
const POST_ACTIVATIONS: Record<string, string> = { elu: 'Elu', prelu: 'Prelu' };

/**
 * op(A) op(B) (+ bias, activation when `fused`) on our GEMM, or undefined when this kernel
 * does not handle the case (GEMM off or unavailable, other dtypes, shapes tfjs should reject,
 * a bias that is not one value per column) and the caller should run the previous kernel.
 */
export function matMulOnGemm(args: KernelArgs, fused: boolean): tf.TensorInfo | undefined {
  if (!kernelGroupOn('gemm')) return undefined;
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<
    string,
    tf.TensorInfo | undefined
  >;
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (a.shape.length < 2 || b.shape.length < 2) return undefined;
  const transposeA = Boolean(args.attrs.transposeA);
  const transposeB = Boolean(args.attrs.transposeB);
  const activation = fused ? String(args.attrs.activation ?? 'linear') : 'linear';
  const act = GEMM_ACTIVATIONS[activation];
  const post = POST_ACTIVATIONS[activation];
  if (act === undefined && post === undefined) return undefined;
  if (activation === 'prelu' && !preluActivationWeights) return undefined;

  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const n = transposeB ? br : bc;
  if ((transposeB ? bc : br) !== k) return undefined;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const outBatch = broadcastShape(batchA, batchB);
  if (!outBatch) return undefined;
  if (fused && bias && !isColumnBias(bias, n)) return undefined;

  const engine = wasmKernelsFor(args.backend);
  if (!engine) return undefined;
  const backend = args.backend as unknown as WasmBackendLike;
  const offset = (x: tf.TensorInfo) => heapOffset(args.backend, x);
  const out = backend.makeOutput([...outBatch, m, n], 'float32');
  const base: GemmCall = {
    batch: 1,
    m,
    n,
    k,
    a: offset(a),
    aBatch: 0,
    aRs: transposeA ? 1 : ac,
    aCs: transposeA ? ac : 1,
    b: offset(b),
    bBatch: 0,
    bRs: transposeB ? 1 : bc,
    bCs: transposeB ? bc : 1,
    c: offset(out),
    cBatch: m * n,
    ldc: n,
    bias: fused && bias ? offset(bias) : -1,
    act: act ?? 0,
    alpha: Number(args.attrs.leakyreluAlpha ?? 0.2),
  };
  try {
    for (const call of batchCalls(base, batchA, batchB, outBatch, ar * ac, br * bc)) {
      engine.gemm(call);
    }
  } catch (error) {
    args.backend.disposeData(out.dataId);
    throw error;
  }
  if (!post) return out;

  const composer = new KernelComposer(args.backend, 'wasm');
  composer.track(out);
  try {
    const inputs: Record<string, tf.TensorInfo> = { x: out };
    if (activation === 'prelu') inputs.alpha = preluActivationWeights as tf.TensorInfo;
    return composer.finish(composer.run(post, inputs));
  } catch (error) {
    composer.abort();
    throw error;
  }
}

/** True if `bias` holds one value per output column ([n], [1, n], ...). */
function isColumnBias(bias: tf.TensorInfo, n: number): boolean {
  const shape = bias.shape;
  return (
    bias.dtype === 'float32' &&
    shape.length >= 1 &&
    shape[shape.length - 1] === n &&
    shape.slice(0, -1).every((d) => d === 1)
  );
}

/**
 * The products of a batched call: one strided call when each operand's batch is either
 * broadcast whole or matches the output's, else one call per output batch entry.
 */
function batchCalls(
  base: GemmCall,
  batchA: number[],
  batchB: number[],
  outBatch: number[],
  matA: number,
  matB: number,
): GemmCall[] {
  const total = product(outBatch);
  const strideA = batchStride(batchA, outBatch, matA);
  const strideB = batchStride(batchB, outBatch, matB);
  if (strideA !== undefined && strideB !== undefined) {
    return [{ ...base, batch: total, aBatch: strideA, bBatch: strideB }];
  }
  const calls: GemmCall[] = [];
  for (let t = 0; t < total; t++) {
    calls.push({
      ...base,
      a: base.a + 4 * matA * broadcastIndex(t, outBatch, batchA),
      b: base.b + 4 * matB * broadcastIndex(t, outBatch, batchB),
      c: base.c + 4 * base.cBatch * t,
    });
  }
  return calls;
}

/** Float stride between batch entries of an operand, if one stride describes it. */
function batchStride(shape: number[], outBatch: number[], matrix: number): number | undefined {
  if (product(shape) === 1) return 0;
  const padded = [...new Array(outBatch.length - shape.length).fill(1), ...shape];
  return padded.every((d, i) => d === outBatch[i]) ? matrix : undefined;
}

/** Index into an operand's batch of output batch entry t (numpy broadcasting). */
function broadcastIndex(t: number, outBatch: number[], shape: number[]): number {
  let index = 0;
  let stride = 1;
  let rest = t;
  for (let i = outBatch.length - 1; i >= 0; i--) {
    const size = outBatch[i] as number;
    const coordinate = rest % size;
    rest = Math.floor(rest / size);
    const j = i - (outBatch.length - shape.length);
    if (j < 0) continue;
    const d = shape[j] as number;
    index += (d === 1 ? 0 : coordinate) * stride;
    stride *= d;
  }
  return index;
}

/** The broadcast of two batch shapes, or undefined if they do not broadcast. */
function broadcastShape(x: number[], y: number[]): number[] | undefined {
  const rank = Math.max(x.length, y.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const dx = x[x.length - rank + i] ?? 1;
    const dy = y[y.length - rank + i] ?? 1;
    if (dx !== dy && dx !== 1 && dy !== 1) return undefined;
    out.push(dx === 1 ? dy : dx);
  }
  return out;
}

function product(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}
