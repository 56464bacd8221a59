/*
 * Single-precision matrix product for the tfjs wasm backend, run directly on its heap.
 *
 *   C = act(op(A) op(B) + bias)     (per batch entry)
 *
 * Built with the other kernels of this folder by build-wasm.mjs (see there for the variants).
 *
 * Layout: the BLIS scheme. B is packed in panels of KC x NC into slivers NR columns wide, A in
 * blocks of MC x KC into slivers MR rows high; a register-blocked MR x NR micro-kernel multiplies
 * one A sliver by one B sliver. MR x NR = 4 x 8 keeps 8 accumulators + 2 B vectors + 4 A splats
 * = 14 SIMD values live, which V8's register allocator (15 usable XMM registers on x64) keeps
 * without spilling; 6 x 8 or 5 x 8 spill and run 30-50% slower (measured). KC x NR floats of B
 * (18 KB) stay in the 32 KB L1, MC x KC of A (288 KB) in L2.
 *
 * Scratch space ("work", gemm_workspace floats) comes from the caller.
 */
#include "gemm.h"

#define KC 576 /* the most rows of B per block; blocks are balanced (k = 1024: 2 x 512) */
#define MC 128
#define NC 2048

/*
 * Packs the mc x kc block of A (element (i, p) at a[i * rs + p * cs]) into slivers of MR rows:
 * sliver s starts s * sliver floats into dst and holds, for each p, rows s*MR .. s*MR+MR-1
 * (zeros past mc). A sliver longer than kc receives the columns of a second source.
 */
static void pack_a(int mc, int kc, const f32 *a, int rs, int cs, f32 *dst0, int sliver) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    int mr = min_i(mc - i0, MR);
    const f32 *src = a + i0 * rs;
    f32 *dst = dst0 + i0 / MR * sliver;
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

/* Lanes j < n of row c as a vector (zeros elsewhere); lane indices must be constants. */
static inline v128_t load_lanes(const f32 *c, int n) {
  v128_t v = SPLAT(0.0f);
  if (n > 0) v = wasm_f32x4_replace_lane(v, 0, c[0]);
  if (n > 1) v = wasm_f32x4_replace_lane(v, 1, c[1]);
  if (n > 2) v = wasm_f32x4_replace_lane(v, 2, c[2]);
  if (n > 3) v = wasm_f32x4_replace_lane(v, 3, c[3]);
  return v;
}

static inline void store_lanes(f32 *c, v128_t v, int n) {
  if (n > 0) c[0] = wasm_f32x4_extract_lane(v, 0);
  if (n > 1) c[1] = wasm_f32x4_extract_lane(v, 1);
  if (n > 2) c[2] = wasm_f32x4_extract_lane(v, 2);
  if (n > 3) c[3] = wasm_f32x4_extract_lane(v, 3);
}

/*
 * Writes one row of a tile: v = v0|v1 (+ the old C after the first K block); on the last K
 * block + bias, then the activation, so a fused product rounds exactly like a product followed
 * by a bias add. Only the first nr columns exist.
 */
static inline void finish_row(f32 *c, v128_t v0, v128_t v1, int nr, int first, int last,
                              int hasBias, v128_t bias0, v128_t bias1, int act, f32 alpha) {
  int n0 = min_i(nr, 4), n1 = nr - n0;
  if (!first) {
    v0 = ADD(nr == NR ? wasm_v128_load(c) : load_lanes(c, n0), v0);
    v1 = ADD(nr == NR ? wasm_v128_load(c + 4) : load_lanes(c + 4, n1), v1);
  }
  if (last) {
    if (hasBias) {
      v0 = ADD(v0, bias0);
      v1 = ADD(v1, bias1);
    }
    v0 = activate(v0, act, alpha);
    if (n1 > 0) v1 = activate(v1, act, alpha);
  }
  if (nr == NR) {
    wasm_v128_store(c, v0);
    wasm_v128_store(c + 4, v1);
  } else {
    store_lanes(c, v0, n0);
    store_lanes(c + 4, v1, n1);
  }
}

/*
 * The micro-kernel: the MR x NR tile at c += (A sliver) x (B sliver) over kc steps. pa is a
 * packed A sliver (MR floats per step); pb holds NR floats per step, bStride floats apart
 * (NR when packed, the row stride of B when read in place).
 */
static void kernel(int kc, const f32 *pa, const f32 *pb, int bStride, f32 *const *rows, int col,
                   int mr, int nr, int first, int last, int hasBias, const f32 *bias, int act,
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
  finish_row(rows[0] + col, c00, c01, nr, first, last, hasBias, bias0, bias1, act, alpha);
  if (mr > 1) finish_row(rows[1] + col, c10, c11, nr, first, last, hasBias, bias0, bias1, act, alpha);
  if (mr > 2) finish_row(rows[2] + col, c20, c21, nr, first, last, hasBias, bias0, bias1, act, alpha);
  if (mr > 3) finish_row(rows[3] + col, c30, c31, nr, first, last, hasBias, bias0, bias1, act, alpha);
}

/* B is read in place (not packed) when op(B) is row-major and A has at most this many rows:
 * packing B costs K x N copies, as much as the product itself when M is this small. */
#define DIRECT_B_MAX_ROWS 16

/* Rows of B per K block: k split into equal blocks of at most KC (multiples of 4). */
static inline int k_block(int k) {
  int blocks = (k + KC - 1) / KC;
  return round_up((k + blocks - 1) / blocks, 4);
}

int gemm_workspace(int m, int n, int k) {
  int mc = round_up(min_i(m, MC), MR), kc = k_block(k > 0 ? k : 1);
  int nc = round_up(min_i(n, NC), NR);
  return mc * kc + kc * nc + nc + NR;
}

/* Packs rows ic .. ic+mc, columns pc .. pc+kc of op(A), whatever its source (see gemm.h). */
static void pack_a_block(const struct gemm_args *g, const f32 *a1, const f32 *a2, int ic, int mc,
                         int pc, int kc, f32 *dst) {
  if (g->aMode == A_IM2COL) {
    pack_im2col(g->conv, a1, g->aRow0 + ic, mc, pc, kc, dst);
    return;
  }
  if (g->aMode == A_IM2COL_T) {
    pack_im2col_t(g->conv, a1, g->aRow0 + ic, mc, pc, kc, dst);
    return;
  }
  int sliver = kc * MR;
  int k1 = pc < g->kSplit ? min_i(g->kSplit - pc, kc) : 0; /* columns from the first source */
  if (k1 > 0) pack_a(mc, k1, a1 + ic * g->aRs + pc * g->aCs, g->aRs, g->aCs, dst, sliver);
  if (kc > k1) {
    int p2 = pc + k1 - g->kSplit;
    pack_a(mc, kc - k1, a2 + ic * g->a2Rs + p2 * g->a2Cs, g->a2Rs, g->a2Cs, dst + k1 * MR, sliver);
  }
}

/* Where row i (of this call) of C starts. */
static inline f32 *row_address(const struct gemm_args *g, f32 *ct, int i) {
  if (!g->grid) return ct + i * g->ldc;
  const struct c_grid *q = g->grid;
  int r = g->aRow0 + i, per = q->rows * q->cols, b = r / per, rem = r - b * per;
  int y = rem / q->cols, x = rem - y * q->cols;
  return ct + ((b * q->height + y * q->yStep + q->y0) * q->width + x * q->xStep + q->x0) * g->ldc;
}

void gemm_core(const struct gemm_args *g, f32 *work) {
  int m = g->m, n = g->n, k = g->k;
  int mcMax = round_up(min_i(m, MC), MR), kb = k_block(k > 0 ? k : 1), kcMax = kb;
  int ncMax = round_up(min_i(n, NC), NR);
  f32 *packA = work, *packB = packA + mcMax * kcMax, *biasPad = packB + kcMax * ncMax;
  int directB = m <= DIRECT_B_MAX_ROWS && g->bCs == 1;
  for (int t = 0; t < g->batch; t++) {
    const f32 *a1 = g->a + t * g->aBatch, *a2 = g->a2 + t * g->aBatch, *bt = g->b + t * g->bBatch;
    f32 *ct = g->c + t * g->cBatch;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = min_i(n - jc, NC);
      for (int j = 0; j < round_up(nc, NR); j++) biasPad[j] = g->hasBias && j < nc ? g->bias[jc + j] : 0.0f;
      if (k == 0) {
        /* Empty sum: C = act(bias). */
        for (int i = 0; i < m; i++)
          for (int j = 0; j < nc; j += NR)
            finish_row(row_address(g, ct, i) + jc + j, SPLAT(0.0f), SPLAT(0.0f), min_i(nc - j, NR),
                       1, 1, 1, wasm_v128_load(biasPad + j), wasm_v128_load(biasPad + j + 4),
                       g->act, g->alpha);
        continue;
      }
      for (int pc = 0; pc < k; pc += kb) {
        int kc = min_i(k - pc, kb);
        int first = pc == 0, last = pc + kc == k;
        const f32 *bp = bt + pc * g->bRs + jc * g->bCs;
        /* Directly read slivers are all full; a last partial one is packed. */
        int ncDirect = directB ? nc / NR * NR : 0;
        pack_b(kc, nc - ncDirect, bp + ncDirect * g->bCs, g->bRs, g->bCs, packB);
        for (int ic = 0; ic < m; ic += MC) {
          int mc = min_i(m - ic, MC);
          pack_a_block(g, a1, a2, ic, mc, pc, kc, packA);
          f32 *rows[MC];
          for (int i = 0; i < mc; i++) rows[i] = row_address(g, ct, ic + i);
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = min_i(nc - jr, NR);
            const f32 *pb = jr < ncDirect ? bp + jr : packB + (jr - ncDirect) * kc;
            int bStride = jr < ncDirect ? g->bRs : NR;
            for (int ir = 0; ir < mc; ir += MR) {
              kernel(kc, packA + ir * kc, pb, bStride, rows + ir, jc + jr, min_i(mc - ir, MR), nr,
                     first, last, g->hasBias, biasPad + jr, g->act, g->alpha);
            }
          }
        }
      }
    }
  }
}

/* Floats of scratch space gemm() needs for an m x n x k product. */
__attribute__((export_name("gemm_workspace"))) int gemm_workspace_export(int m, int n, int k) {
  return gemm_workspace(m, n, k);
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
  struct gemm_args g = {.batch = batch, .m = m, .n = n, .k = k, .kSplit = k, .aMode = A_MATRIX,
                        .a = a, .aBatch = aBatch, .aRs = aRs, .aCs = aCs, .a2 = a, .a2Rs = aRs,
                        .a2Cs = aCs, .b = b, .bBatch = bBatch, .bRs = bRs, .bCs = bCs, .c = c,
                        .cBatch = cBatch, .ldc = ldc, .bias = bias, .hasBias = hasBias,
                        .act = act, .alpha = alpha};
  gemm_core(&g, work);
}
