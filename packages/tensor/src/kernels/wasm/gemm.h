/* The matrix product of gemm.c, for the other kernels of this folder. */
#ifndef VMBRL_GEMM_H
#define VMBRL_GEMM_H

#include "simd.h"

/*
 * C = act(op(A) op(B) + bias) for each of `batch` entries. op(A) is m x k: its columns
 * p < kSplit are element (i, p) at a[i * aRs + p * aCs], the columns p >= kSplit come from a
 * second operand, (i, p - kSplit) at a2[i * a2Rs + (p - kSplit) * a2Cs] (a product with [A1, A2]
 * concatenated along columns, without the copy; kSplit = k for one operand). op(B) (p, j) is at
 * b[p * bRs + j * bCs], C (i, j) at c[i * ldc + j]; entry t of the batch starts t * aBatch,
 * t * bBatch, t * cBatch floats later (0: the same operand for every entry).
 */
struct gemm_args {
  int batch, m, n, k, kSplit;
  const f32 *a;
  int aBatch, aRs, aCs;
  const f32 *a2;
  int a2Rs, a2Cs;
  const f32 *b;
  int bBatch, bRs, bCs;
  f32 *c;
  int cBatch, ldc;
  const f32 *bias; /* n floats, used when hasBias */
  int hasBias, act;
  f32 alpha; /* slope of leaky relu */
};

/* Floats of scratch space gemm_core needs for an m x n x k product. */
int gemm_workspace(int m, int n, int k);

void gemm_core(const struct gemm_args *g, f32 *work);

#endif
