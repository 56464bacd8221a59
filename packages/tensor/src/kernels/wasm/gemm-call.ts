/** A matrix product as gemm() of gemm.c takes it, and how it is split across threads. */

/** Sizes, strides in floats, pointers as byte offsets into the heap. */
export interface GemmCall {
  batch: number;
  m: number;
  n: number;
  k: number;
  a: number;
  aBatch: number;
  aRs: number;
  aCs: number;
  b: number;
  bBatch: number;
  bRs: number;
  bCs: number;
  c: number;
  cBatch: number;
  ldc: number;
  /** Byte offset of n bias floats, or -1 for none. */
  bias: number;
  act: number;
  alpha: number;
}

/** Epilogue activations gemm.c applies itself (its ACT_* codes). */
export const GEMM_ACTIVATIONS: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  leakyrelu: 3,
  sigmoid: 4,
  tanh: 5,
};

/** Arguments of the exported gemm() in order, without the scratch pointer. */
export function gemmArgs(c: GemmCall): number[] {
  const hasBias = c.bias >= 0;
  return [
    c.batch,
    c.m,
    c.n,
    c.k,
    c.a,
    c.aBatch,
    c.aRs,
    c.aCs,
    c.b,
    c.bBatch,
    c.bRs,
    c.bCs,
    c.c,
    c.cBatch,
    c.ldc,
    hasBias ? c.bias : 0,
    hasBias ? 1 : 0,
    c.act,
    c.alpha,
  ];
}

/** Rows of gemm.c's micro-tile: a part boundary is aligned to it. */
export const MR = 4;
/**
 * Below this many flops a product runs on one thread: waking a worker, waiting for it and the
 * second core's cold cache cost about as much as this much work (measured on 2 cores: products
 * of 8-32 rows and 0.6-8 MFLOP ran at 0.64-1.27x on two threads, docs/PERFORMANCE.md).
 */
export const PARALLEL_MIN_FLOPS = 1e7;

/**
 * Splits a product into at most `parts` independent parts: whole batch entries, else row
 * blocks. A product of too few rows for that stays whole: split by columns, such products (8
 * rows: a batch of states through a dense layer) measured no faster on two threads, and often
 * slower. Every output element is computed by the same operations in the
 * same order as unsplit, so the result does not depend on the thread count.
 */
export function splitCall(call: GemmCall, parts: number): GemmCall[] {
  const { batch, m, n, k } = call;
  if (parts <= 1 || 2 * batch * m * n * Math.max(k, 1) < PARALLEL_MIN_FLOPS) return [call];
  if (batch >= parts) {
    return ranges(batch, parts, 1).map(([start, size]) => ({
      ...call,
      batch: size,
      a: call.a + 4 * start * call.aBatch,
      b: call.b + 4 * start * call.bBatch,
      c: call.c + 4 * start * call.cBatch,
    }));
  }
  if (m >= parts * MR * 2) {
    return ranges(m, parts, MR).map(([start, size]) => ({
      ...call,
      m: size,
      a: call.a + 4 * start * call.aRs,
      c: call.c + 4 * start * call.ldc,
    }));
  }
  return [call];
}

/** [start, size] of up to `parts` nearly equal ranges of 0..total, starts aligned to `align`. */
export function ranges(total: number, parts: number, align: number): Array<[number, number]> {
  const step = Math.ceil(total / parts / align) * align;
  const out: Array<[number, number]> = [];
  for (let start = 0; start < total; start += step) {
    out.push([start, Math.min(step, total - start)]);
  }
  return out;
}
