import type * as tf from '../tf.js';
import { KernelComposer } from './compose.js';

type TensorInfo = tf.TensorInfo;
type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
};

/**
 * BatchMatMul for wasm, where tfjs' kernel is fast (XNNPACK) only for one non-transposed 2-D
 * product: with transposeA it is up to ~70x slower (a 230x2500 by 2500x1024 weight gradient
 * takes 3.7 s instead of 54 ms), with transposeB ~15x, and batched products ~10x. Every dense
 * layer's backward pass uses both transposed forms. This kernel materialises the cheaper of
 * op(A), op(B) or the transposed problem C^T = op(B)^T op(A)^T with the Transpose kernel and
 * runs the fast 2-D product per batch entry.
 */
export function batchMatMulViaTransposes(
  args: KernelArgs,
  backendName: string,
  original: tf.KernelConfig,
): TensorInfo {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const transposeA = Boolean(args.attrs.transposeA);
  const transposeB = Boolean(args.attrs.transposeB);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const sizeA = product(batchA);
  const sizeB = product(batchB);
  const sameBatch = batchA.length === batchB.length && batchA.every((d, i) => d === batchB[i]);
  const plain = !transposeA && !transposeB && sizeA === 1 && sizeB === 1;
  // Batch dims that broadcast in other ways (e.g. [2,1] x [1,3]) are left to tfjs.
  if (plain || !(sameBatch || sizeA === 1 || sizeB === 1))
    return run(original, args, a, b, transposeA, transposeB);

  const composer = new KernelComposer(args.backend, backendName);
  try {
    const [ar, ac] = a.shape.slice(-2) as [number, number];
    const [br, bc] = b.shape.slice(-2) as [number, number];
    const a3 = composer.reshape(a, [sizeA, ar, ac]);
    const b3 = composer.reshape(b, [sizeB, br, bc]);
    const batch = Math.max(sizeA, sizeB);
    const m = transposeA ? ac : ar;
    const n = transposeB ? br : bc;
    const products: TensorInfo[] = [];
    for (let i = 0; i < batch; i++) {
      const ai = composer.reshape(pick(composer, a3, sizeA === 1 ? 0 : i), [ar, ac]);
      const bi = composer.reshape(pick(composer, b3, sizeB === 1 ? 0 : i), [br, bc]);
      const c = product2d(composer, original, args.backend, ai, bi, transposeA, transposeB);
      products.push(composer.reshape(c, [1, m, n]));
    }
    const outBatch = sizeA >= sizeB ? batchA : batchB;
    const joined = composer.concat(products, 0);
    let out = composer.reshape(joined, [...outBatch, m, n]);
    if (out.dataId === a.dataId || out.dataId === b.dataId) out = composer.identity(out);
    return composer.finish(out);
  } catch (error) {
    composer.abort();
    throw error;
  }
}

/** One 2-D product op(A) op(B) with the cheapest set of explicit transposes. */
function product2d(
  composer: KernelComposer,
  original: tf.KernelConfig,
  backend: tf.KernelBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const sizeA = product(a.shape);
  const sizeB = product(b.shape);
  const m = transposeA ? (a.shape[1] as number) : (a.shape[0] as number);
  const n = transposeB ? (b.shape[0] as number) : (b.shape[1] as number);
  const direct = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0);
  const swapped = (transposeA ? 0 : sizeA) + (transposeB ? 0 : sizeB) + m * n;
  const t = (x: TensorInfo) => composer.transpose(x, [1, 0]);
  const matmul = (x: TensorInfo, y: TensorInfo) => {
    const out = original.kernelFunc({
      inputs: { a: x, b: y },
      backend,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
    composer.track(out);
    return out;
  };
  if (direct <= swapped) {
    return matmul(transposeA ? t(a) : a, transposeB ? t(b) : b);
  }
  // C^T = op(B)^T op(A)^T
  return t(matmul(transposeB ? b : t(b), transposeA ? a : t(a)));
}

function pick(composer: KernelComposer, x3: TensorInfo, index: number): TensorInfo {
  const [, r, c] = x3.shape as [number, number, number];
  return composer.slice(x3, [index, 0, 0], [1, r, c]);
}

function run(
  config: tf.KernelConfig,
  args: KernelArgs,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  return config.kernelFunc({
    inputs: { a, b },
    backend: args.backend,
    attrs: { ...args.attrs, transposeA, transposeB },
  }) as TensorInfo;
}

function product(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}
