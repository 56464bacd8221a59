/*
 * Single-precision matrix product for the tfjs wasm backend, run directly on its heap.
 *
 *   C = act(op(A) op(B) + bias)     (per batch entry)
 *
 * Built by build-wasm.mjs with clang for wasm32 + 128-bit SIMD, in four variants: plain SIMD
 * (f32x4 mul + add) or relaxed SIMD (f32x4.relaxed_madd, a fused multiply-add where the CPU has
 * one), each importing the heap memory either unshared (tfjs' single-threaded build) or shared
 * (its threaded build, so that worker threads can run parts of one product).
 *
 * Layout: the BLIS scheme. B is packed in panels of KC x NC into slivers NR columns wide, A in
 * blocks of MC x KC into slivers MR rows high; a register-blocked MR x NR micro-kernel multiplies
 * one A sliver by one B sliver. MR x NR = 4 x 8 keeps 8 accumulators + 2 B vectors + 4 A splats
 * = 14 SIMD values live, which V8's register allocator (15 usable XMM registers on x64) keeps
 * without spilling; 6 x 8 or 5 x 8 spill and run 30-50% slower (measured). KC x NR floats of B
 * (16 KB) stay in the 32 KB L1, MC x KC of A (256 KB) in L2.
 *
 * The code must not touch linear memory outside the buffers it is handed: it has no data
 * segments, takes no addresses of locals (so it never uses the shadow stack) and gets its
 * scratch space ("work") from the caller.
 */
#include <wasm_simd128.h>

typedef float f32;

#define MR 4
#define NR 8
#define KC 512
#define MC 128
#define NC 2048

/* Epilogue activations (the rest are applied by tfjs kernels after the product). */
enum { ACT_LINEAR = 0, ACT_RELU = 1, ACT_RELU6 = 2, ACT_LEAKY_RELU = 3 };

#ifdef RELAXED
typedef f32 f32x4 __attribute__((__vector_size__(16), __aligned__(16)));
/* acc + a * b, fused where the hardware has FMA (relaxed SIMD lets the engine choose). */
static inline v128_t madd(v128_t acc, v128_t a, v128_t b) {
  return (v128_t)__builtin_wasm_relaxed_madd_f32x4((f32x4)a, (f32x4)b, (f32x4)acc);
}
#else
static inline v128_t madd(v128_t acc, v128_t a, v128_t b) {
  return wasm_f32x4_add(acc, wasm_f32x4_mul(a, b));
}
#endif

static inline int min_i(int a, int b) { return a < b ? a : b; }
static inline int round_up(int x, int m) { return (x + m - 1) / m * m; }

/* 4 x 4 transpose of rows r0..r3. */
#define TRANSPOSE4(r0, r1, r2, r3)                                                             \
  {                                                                                            \
    v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7); \
    v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7); \
    r0 = wasm_i64x2_shuffle(t0, t2, 0, 2);                                                     \
    r1 = wasm_i64x2_shuffle(t0, t2, 1, 3);                                                     \
    r2 = wasm_i64x2_shuffle(t1, t3, 0, 2);                                                     \
    r3 = wasm_i64x2_shuffle(t1, t3, 1, 3);                                                     \
  }

/*
 * Packs the mc x kc block of A (element (i, p) at a[i * rs + p * cs]) into slivers of MR rows:
 * sliver s holds, for each p, rows s*MR .. s*MR+MR-1 (zeros past mc).
 */
static void pack_a(int mc, int kc, const f32 *a, int rs, int cs, f32 *dst) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    int mr = min_i(mc - i0, MR);
    const f32 *src = a + i0 * rs;
    int p = 0;
    if (mr == MR && cs == 1) {
      /* Rows are contiguous in p: transpose 4 x 4 tiles. */
      for (; p + 4 <= kc; p += 4) {
        v128_t r0 = wasm_v128_load(src + p), r1 = wasm_v128_load(src + rs + p);
        v128_t r2 = wasm_v128_load(src + 2 * rs + p), r3 = wasm_v128_load(src + 3 * rs + p);
        TRANSPOSE4(r0, r1, r2, r3);
        wasm_v128_store(dst, r0);
        wasm_v128_store(dst + 4, r1);
        wasm_v128_store(dst + 8, r2);
        wasm_v128_store(dst + 12, r3);
        dst += 4 * MR;
      }
    } else if (mr == MR && rs == 1) {
      /* op(A) = A^T stored row-major: the MR rows at p are contiguous. */
      for (; p < kc; p++) {
        wasm_v128_store(dst, wasm_v128_load(src + p * cs));
        dst += MR;
      }
    }
    for (; p < kc; p++) {
      int r = 0;
      for (; r < mr; r++) dst[r] = src[r * rs + p * cs];
      for (; r < MR; r++) dst[r] = 0.0f;
      dst += MR;
    }
  }
}

/*
 * Packs the kc x nc panel of B (element (p, j) at b[p * rs + j * cs]) into slivers of NR
 * columns: sliver s holds, for each p, columns s*NR .. s*NR+NR-1 (zeros past nc).
 */
static void pack_b(int kc, int nc, const f32 *b, int rs, int cs, f32 *dst) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    int nr = min_i(nc - j0, NR);
    const f32 *src = b + j0 * cs;
    int p = 0;
    if (nr == NR && cs == 1) {
      for (; p < kc; p++) {
        wasm_v128_store(dst, wasm_v128_load(src + p * rs));
        wasm_v128_store(dst + 4, wasm_v128_load(src + p * rs + 4));
        dst += NR;
      }
    } else if (nr == NR && rs == 1) {
      /* op(B) = B^T stored row-major: transpose two 4 x 4 tiles per 4 steps of p. */
      for (; p + 4 <= kc; p += 4) {
        v128_t r0 = wasm_v128_load(src + p), r1 = wasm_v128_load(src + cs + p);
        v128_t r2 = wasm_v128_load(src + 2 * cs + p), r3 = wasm_v128_load(src + 3 * cs + p);
        v128_t r4 = wasm_v128_load(src + 4 * cs + p), r5 = wasm_v128_load(src + 5 * cs + p);
        v128_t r6 = wasm_v128_load(src + 6 * cs + p), r7 = wasm_v128_load(src + 7 * cs + p);
        TRANSPOSE4(r0, r1, r2, r3);
        TRANSPOSE4(r4, r5, r6, r7);
        wasm_v128_store(dst, r0);
        wasm_v128_store(dst + 4, r4);
        wasm_v128_store(dst + 8, r1);
        wasm_v128_store(dst + 12, r5);
        wasm_v128_store(dst + 16, r2);
        wasm_v128_store(dst + 20, r6);
        wasm_v128_store(dst + 24, r3);
        wasm_v128_store(dst + 28, r7);
        dst += 4 * NR;
      }
    }
    for (; p < kc; p++) {
      int c = 0;
      for (; c < nr; c++) dst[c] = src[p * rs + c * cs];
      for (; c < NR; c++) dst[c] = 0.0f;
      dst += NR;
    }
  }
}

static inline v128_t activate(v128_t v, int act, f32 alpha) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  switch (act) {
  case ACT_RELU:
    return wasm_f32x4_pmax(v, zero); /* v < 0 ? 0 : v, NaN stays NaN like tfjs' relu */
  case ACT_RELU6:
    return wasm_f32x4_pmin(wasm_f32x4_pmax(v, zero), wasm_f32x4_splat(6.0f));
  case ACT_LEAKY_RELU:
    return wasm_v128_bitselect(v, wasm_f32x4_mul(v, wasm_f32x4_splat(alpha)),
                               wasm_f32x4_gt(v, zero));
  default:
    return v;
  }
}

static inline f32 activate1(f32 x, int act, f32 alpha) {
  switch (act) {
  case ACT_RELU:
    return x < 0.0f ? 0.0f : x;
  case ACT_RELU6:
    return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
  case ACT_LEAKY_RELU:
    return x > 0.0f ? x : x * alpha;
  default:
    return x;
  }
}

/*
 * Writes one row of a tile: v = v0|v1 (+ the old C after the first K block); on the last K
 * block + bias, then the activation, so a fused product rounds exactly like a product followed
 * by a bias add. Only the first nr columns exist.
 */
static inline void finish_row(f32 *c, v128_t v0, v128_t v1, int nr, int first, int last,
                              int hasBias, v128_t bias0, v128_t bias1, int act, f32 alpha) {
  if (nr == NR) {
    if (!first) {
      v0 = wasm_f32x4_add(wasm_v128_load(c), v0);
      v1 = wasm_f32x4_add(wasm_v128_load(c + 4), v1);
    }
    if (last) {
      if (hasBias) {
        v0 = wasm_f32x4_add(v0, bias0);
        v1 = wasm_f32x4_add(v1, bias1);
      }
      v0 = activate(v0, act, alpha);
      v1 = activate(v1, act, alpha);
    }
    wasm_v128_store(c, v0);
    wasm_v128_store(c + 4, v1);
    return;
  }
  /* Partial tile: lane by lane (lane indices must be constants). */
#define LANE(j, v, bias, l)                                                                    \
  if (j < nr) {                                                                                \
    f32 x = wasm_f32x4_extract_lane(v, l);                                                     \
    if (!first) x = c[j] + x;                                                                  \
    if (last && hasBias) x = x + wasm_f32x4_extract_lane(bias, l);                             \
    if (last) x = activate1(x, act, alpha);                                                    \
    c[j] = x;                                                                                  \
  }
  LANE(0, v0, bias0, 0) LANE(1, v0, bias0, 1) LANE(2, v0, bias0, 2) LANE(3, v0, bias0, 3)
  LANE(4, v1, bias1, 0) LANE(5, v1, bias1, 1) LANE(6, v1, bias1, 2) LANE(7, v1, bias1, 3)
#undef LANE
}

/*
 * The micro-kernel: the MR x NR tile at c += (A sliver) x (B sliver) over kc steps. pa is a
 * packed A sliver (MR floats per step); pb holds NR floats per step, bStride floats apart
 * (NR when packed, the row stride of B when read in place).
 */
static void kernel(int kc, const f32 *pa, const f32 *pb, int bStride, f32 *c, int ldc, int mr,
                   int nr, int first, int last, int hasBias, const f32 *bias, int act,
                   f32 alpha) {
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int p = 0; p < kc; p++) {
    v128_t b0 = wasm_v128_load(pb), b1 = wasm_v128_load(pb + 4);
    v128_t a0 = wasm_v128_load32_splat(pa), a1 = wasm_v128_load32_splat(pa + 1);
    v128_t a2 = wasm_v128_load32_splat(pa + 2), a3 = wasm_v128_load32_splat(pa + 3);
    c00 = madd(c00, a0, b0);
    c01 = madd(c01, a0, b1);
    c10 = madd(c10, a1, b0);
    c11 = madd(c11, a1, b1);
    c20 = madd(c20, a2, b0);
    c21 = madd(c21, a2, b1);
    c30 = madd(c30, a3, b0);
    c31 = madd(c31, a3, b1);
    pa += MR;
    pb += bStride;
  }
  v128_t bias0 = wasm_v128_load(bias), bias1 = wasm_v128_load(bias + 4);
  finish_row(c, c00, c01, nr, first, last, hasBias, bias0, bias1, act, alpha);
  if (mr > 1) finish_row(c + ldc, c10, c11, nr, first, last, hasBias, bias0, bias1, act, alpha);
  if (mr > 2) finish_row(c + 2 * ldc, c20, c21, nr, first, last, hasBias, bias0, bias1, act, alpha);
  if (mr > 3) finish_row(c + 3 * ldc, c30, c31, nr, first, last, hasBias, bias0, bias1, act, alpha);
}

/* B is read in place (not packed) when op(B) is row-major and A has at most this many rows:
 * packing B costs K x N copies, as much as the product itself when M is this small. */
#define DIRECT_B_MAX_ROWS 16

/* Floats of scratch space gemm() needs for an m x n x k product. */
__attribute__((export_name("gemm_workspace"))) int gemm_workspace(int m, int n, int k) {
  int mc = round_up(min_i(m, MC), MR), kc = min_i(k > 0 ? k : 1, KC);
  int nc = round_up(min_i(n, NC), NR);
  return mc * kc + kc * nc + nc + NR;
}

/*
 * One product per batch entry: C[m x n] = act(op(A) op(B) + bias). Element (i, p) of op(A) is
 * at a[i * aRs + p * aCs], (p, j) of op(B) at b[p * bRs + j * bCs], (i, j) of C at
 * c[i * ldc + j]; entry t of the batch starts aBatch, bBatch, cBatch floats later (0 = the same
 * operand for every entry). bias (n floats) is used when hasBias. Pointers are byte offsets.
 */
__attribute__((export_name("gemm"))) void gemm(int batch, int m, int n, int k,        //
                                               const f32 *a, int aBatch, int aRs, int aCs, //
                                               const f32 *b, int bBatch, int bRs, int bCs, //
                                               f32 *c, int cBatch, int ldc,                //
                                               const f32 *bias, int hasBias, int act,      //
                                               f32 alpha, f32 *work) {
  int mcMax = round_up(min_i(m, MC), MR), kcMax = min_i(k > 0 ? k : 1, KC);
  int ncMax = round_up(min_i(n, NC), NR);
  f32 *packA = work, *packB = packA + mcMax * kcMax, *biasPad = packB + kcMax * ncMax;
  int directB = m <= DIRECT_B_MAX_ROWS && bCs == 1;
  for (int t = 0; t < batch; t++) {
    const f32 *at = a + t * aBatch, *bt = b + t * bBatch;
    f32 *ct = c + t * cBatch;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = min_i(n - jc, NC);
      for (int j = 0; j < round_up(nc, NR); j++) biasPad[j] = hasBias && j < nc ? bias[jc + j] : 0.0f;
      if (k == 0) {
        /* Empty sum: C = act(bias). */
        for (int i = 0; i < m; i++)
          for (int j = 0; j < nc; j++) ct[i * ldc + jc + j] = activate1(biasPad[j], act, alpha);
        continue;
      }
      for (int pc = 0; pc < k; pc += KC) {
        int kc = min_i(k - pc, KC);
        int first = pc == 0, last = pc + kc == k;
        const f32 *bp = bt + pc * bRs + jc * bCs;
        /* Directly read slivers are all full; a last partial one is packed. */
        int ncDirect = directB ? nc / NR * NR : 0;
        pack_b(kc, nc - ncDirect, bp + ncDirect * bCs, bRs, bCs, packB);
        for (int ic = 0; ic < m; ic += MC) {
          int mc = min_i(m - ic, MC);
          pack_a(mc, kc, at + ic * aRs + pc * aCs, aRs, aCs, packA);
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = min_i(nc - jr, NR);
            const f32 *pb = jr < ncDirect ? bp + jr : packB + (jr - ncDirect) * kc;
            int bStride = jr < ncDirect ? bRs : NR;
            for (int ir = 0; ir < mc; ir += MR) {
              kernel(kc, packA + ir * kc, pb, bStride, ct + (ic + ir) * ldc + jc + jr, ldc,
                     min_i(mc - ir, MR), nr, first, last, hasBias, biasPad + jr, act, alpha);
            }
          }
        }
      }
    }
  }
}
