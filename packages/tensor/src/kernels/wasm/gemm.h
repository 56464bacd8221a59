/* The matrix product of gemm.c, for the other kernels of this folder. */
#ifndef VMBRL_GEMM_H
#define VMBRL_GEMM_H

#include "simd.h"

/* The micro-tile: MR rows of A by NR columns of B (see gemm.c). */
#define MR 4
#define NR 8

/*
 * C = act(op(A) op(B) + bias) for each of `batch` entries. op(A) is m x k: its columns
 * p < kSplit are element (i, p) at a[i * aRs + p * aCs], the columns p >= kSplit come from a
 * second operand, (i, p - kSplit) at a2[i * a2Rs + (p - kSplit) * a2Cs] (a product with [A1, A2]
 * concatenated along columns, without the copy; kSplit = k for one operand). op(B) (p, j) is at
 * b[p * bRs + j * bCs], C (i, j) at c[i * ldc + j] (or on a grid); entry t of the batch starts t * aBatch,
 * t * bBatch, t * cBatch floats later (0: the same operand for every entry).
 */
/* Geometry of an NHWC convolution (filter [kh, kw, c, oc]) whose im2col matrix is an operand. */
struct conv_geom {
  int n, h, w, c;     /* input */
  int kh, kw;         /* filter window */
  int sh, sw, dh, dw; /* strides, dilations */
  int padTop, padLeft;
  int oh, ow; /* output */
};

/* Where op(A) comes from. */
enum {
  A_MATRIX = 0, /* strided matrix (and the split second operand) */
  A_IM2COL = 1, /* row i = output position (b, y, x), column p = filter tap (ky, kx, ci) */
  A_IM2COL_T = 2, /* the transpose: row = filter tap, column = output position */
};

/*
 * C rows as a sub-grid of an NHWC image [batch, height, width, ldc]: row aRow0 + i, i.e. grid
 * point (b, y, x) of a rows x cols grid, is pixel (b, y * yStep + y0, x * xStep + x0).
 */
struct c_grid {
  int rows, cols, height, width, yStep, xStep, y0, x0;
};

struct gemm_args {
  int batch, m, n, k, kSplit;
  int aMode, aRow0; /* with A_IM2COL*: the source, and the absolute index of row 0 */
  const struct conv_geom *conv;
  const f32 *a;
  int aBatch, aRs, aCs;
  const f32 *a2;
  int a2Rs, a2Cs;
  const f32 *b;
  int bBatch, bRs, bCs;
  f32 *c;
  int cBatch, ldc;
  const struct c_grid *grid; /* 0: C is a matrix with row stride ldc */
  const f32 *bias; /* n floats, used when hasBias */
  int hasBias, act;
  f32 alpha; /* slope of leaky relu */
};

/* Floats of scratch space gemm_core needs for an m x n x k product. */
int gemm_workspace(int m, int n, int k);

void gemm_core(const struct gemm_args *g, f32 *work);

/*
 * Pack rows row0 .. row0+mc, columns p0 .. p0+kc of the im2col matrix of x (A_IM2COL) or of its
 * transpose (A_IM2COL_T) into MR-row slivers, as gemm.c's pack_a does for a matrix (conv.c).
 */
void pack_im2col(const struct conv_geom *g, const f32 *x, int row0, int mc, int p0, int kc,
                 f32 *dst);
void pack_im2col_t(const struct conv_geom *g, const f32 *x, int row0, int mc, int p0, int kc,
                   f32 *dst);

#endif
