/*
 * Direct NHWC convolutions for few channels, vectorised over output columns instead of
 * channels. With c and oc of 1-8, conv.c's implicit GEMM has K = kh kw c and N = oc: too thin
 * for its packed 4 x 8 tile. Here each output row is computed from its kh input rows, first
 * copied planar (per channel, split by column phase x mod sw, zero-padded) so that 4
 * consecutive output columns of one tap are one vector load; every multiply-add then uses all
 * 4 lanes whatever the channel counts. A register tile is PB blocks of 4 columns by OG output
 * channels; per tap and input channel it takes PB loads, OG weight splats and PB x OG
 * multiply-adds.
 *   conv2d_direct:                out = act(conv(x, filter) + bias), dilation along x 1
 *   conv2d_backprop_input_direct: one output phase of conv2d_transpose, as conv.c's
 *                                 conv2d_backprop_input, written by this kernel.
 * Both compute a range of output rows (b, y), so callers can split them across threads; each
 * output is computed the same way whatever the split.
 */
#include "simd.h"

/* An NHWC correlation, output pixel (b, y, x) stored at pixel (b, y yStep + y0, x xStep + x0)
 * of an [n, outH, outW, oc] image. */
struct direct_geom {
  int n, h, w, c;
  int kh, kw, sh, sw, dh;
  int padTop, padLeft, oh, ow, oc;
  int outH, outW, yStep, xStep, y0, x0;
};

/* Floats per plane: a tile (at most 32 columns) starting at any column of the output row,
 * plus the taps right of its last column. */
static inline int plane_length(int ow, int kw, int sw) {
  return round_up(ow + 32 + (kw - 1) / sw, 4);
}

/*
 * Planes of input row iy for output row (b, y): plane (ci, r) holds columns q sw + r - padLeft
 * of channel ci, zero outside the image, for the q that stored outputs read (q < ow +
 * (kw - 1) / sw). Columns beyond are left as they are: only lanes of outputs x >= ow, which
 * are never stored, read them.
 */
static void fill_planes(const struct direct_geom *g, const f32 *xrow, int Q, f32 *planes) {
  int c = g->c, sw = g->sw, used = g->ow + (g->kw - 1) / sw;
  for (int q = 0; q < used; q++) {
    for (int r = 0; r < sw; r++) {
      int ix = q * sw + r - g->padLeft;
      f32 *d = planes + r * Q + q;
      if ((unsigned)ix < (unsigned)g->w) {
        const f32 *s = xrow + ix * c;
        for (int ci = 0; ci < c; ci++) d[ci * sw * Q] = s[ci];
      } else {
        for (int ci = 0; ci < c; ci++) d[ci * sw * Q] = 0.0f;
      }
    }
  }
}

/* acc[p OG + o] for columns x0 + 4p .. + 3, output channels o0 + o: the sum over the valid
 * rows ky, channels ci and taps kx. */
static inline __attribute__((always_inline)) void tile(const struct direct_geom *g,
                                                       const f32 *const *planes, int Q,
                                                       int kyFirst, int kyLast,
                                                       const f32 *filter, int o0,
                                                       int x0, const int OG, const int PB,
                                                       v128_t *acc) {
  for (int i = 0; i < OG * PB; i++) acc[i] = SPLAT(0.0f);
  int c = g->c, sw = g->sw, kw = g->kw, oc = g->oc;
  for (int ky = kyFirst; ky < kyLast; ky++) {
    for (int ci = 0; ci < c; ci++) {
      const f32 *row = planes[ky] + ci * sw * Q + x0;
      const f32 *wrow = filter + (ky * kw * c + ci) * oc + o0;
      /* Taps kx = r, r + sw, ... read plane r at columns 0, 1, ... right of x0. */
      for (int r = 0; r < sw && r < kw; r++) {
        const f32 *p = row + r * Q;
        const f32 *wt = wrow + r * c * oc;
        for (int kx = r; kx < kw; kx += sw, p++, wt += sw * c * oc) {
          v128_t v[PB];
          for (int b = 0; b < PB; b++) v[b] = wasm_v128_load(p + 4 * b);
          for (int o = 0; o < OG; o++) {
            v128_t s = wasm_v128_load32_splat(wt + o);
            for (int b = 0; b < PB; b++) acc[b * OG + o] = madd(acc[b * OG + o], v[b], s);
          }
        }
      }
    }
  }
}

/* Adds the bias, applies the activation and stores the columns of the tile that exist. */
static inline __attribute__((always_inline)) void store_tile(const struct direct_geom *g,
                                                             f32 *outRow, int pixelStride,
                                                             int o0, int x0, const int OG,
                                                             const int PB, v128_t *acc,
                                                             const f32 *bias, int hasBias,
                                                             int act, f32 alpha) {
  for (int o = 0; o < OG; o++) {
    v128_t bv = hasBias ? SPLAT(bias[o0 + o]) : SPLAT(0.0f);
    for (int b = 0; b < PB; b++) {
      v128_t v = acc[b * OG + o];
      if (hasBias) v = ADD(v, bv);
      acc[b * OG + o] = activate(v, act, alpha);
    }
  }
  for (int b = 0; b < PB; b++) {
    int x = x0 + 4 * b;
    if (x >= g->ow) break;
    f32 *d = outRow + x * pixelStride + o0;
    if (OG == 4 && x + 4 <= g->ow) {
      v128_t r0 = acc[b * 4], r1 = acc[b * 4 + 1], r2 = acc[b * 4 + 2], r3 = acc[b * 4 + 3];
      TRANSPOSE4(r0, r1, r2, r3);
      wasm_v128_store(d, r0);
      wasm_v128_store(d + pixelStride, r1);
      wasm_v128_store(d + 2 * pixelStride, r2);
      wasm_v128_store(d + 3 * pixelStride, r3);
      continue;
    }
    f32 lanes[4 * 4] __attribute__((aligned(16)));
    for (int o = 0; o < OG; o++) wasm_v128_store(lanes + 4 * o, acc[b * OG + o]);
    int n = min_i(4, g->ow - x);
    for (int j = 0; j < n; j++)
      for (int o = 0; o < OG; o++) d[j * pixelStride + o] = lanes[4 * o + j];
  }
}

#define GROUP(OG, PB)                                                                          \
  for (int x0 = 0; x0 < g->ow; x0 += 4 * (PB)) {                                               \
    v128_t acc[(OG) * (PB)];                                                                   \
    tile(g, planes, Q, kyFirst, kyLast, filter, o0, x0, (OG), (PB), acc);                      \
    store_tile(g, outRow, pixelStride, o0, x0, (OG), (PB), acc, bias, hasBias, act, alpha);    \
  }

/* Input rows kept planar at once: every row one output row reads, (kh - 1) dh + 1. */
static inline int ring_rows(int kh, int dh) { return (kh - 1) * dh + 1; }

/*
 * Output rows row0 .. row0+rows of the correlation. work holds a ring of ring_rows planar
 * input rows (slot iy mod ring), each filled once while consecutive output rows use it, and
 * the ring's tags (b h + iy of the row a slot holds).
 */
static void direct_rows(const struct direct_geom *g, int row0, int rows, const f32 *x,
                        const f32 *filter, f32 *out, const f32 *bias, int hasBias, int act,
                        f32 alpha, f32 *work) {
  int Q = plane_length(g->ow, g->kw, g->sw);
  int planeRows = g->c * g->sw * Q; /* floats of one input row's planes */
  int pixelStride = g->xStep * g->oc;
  int ring = ring_rows(g->kh, g->dh);
  int *tags = (int *)work;
  f32 *slots = work + round_up(ring, 4);
  for (int s = 0; s < ring; s++) tags[s] = -1;
  const f32 *planes[g->kh > 0 ? g->kh : 1];
  for (int i = row0; i < row0 + rows; i++) {
    int b = i / g->oh, y = i - b * g->oh;
    /* Rows ky whose input row is inside the image: a contiguous range. */
    int iy0 = y * g->sh - g->padTop, kyFirst = g->kh, kyLast = 0;
    for (int ky = 0; ky < g->kh; ky++) {
      int iy = iy0 + ky * g->dh;
      if ((unsigned)iy >= (unsigned)g->h) continue;
      if (ky < kyFirst) kyFirst = ky;
      kyLast = ky + 1;
      int slot = iy % ring, tag = b * g->h + iy;
      f32 *planar = slots + slot * planeRows;
      if (tags[slot] != tag) {
        fill_planes(g, x + ((b * g->h + iy) * g->w) * g->c, Q, planar);
        tags[slot] = tag;
      }
      planes[ky] = planar;
    }
    f32 *outRow = out + ((b * g->outH + y * g->yStep + g->y0) * g->outW + g->x0) * g->oc;
    int o0 = 0;
    for (; o0 + 4 <= g->oc; o0 += 4) GROUP(4, 2)
    if (g->oc - o0 == 3) GROUP(3, 2)
    else if (g->oc - o0 == 2) GROUP(2, 4)
    else if (g->oc - o0 == 1) GROUP(1, 8)
  }
}

/* Floats of work conv2d_direct needs (any number of rows). */
__attribute__((export_name("conv2d_direct_workspace"))) int conv2d_direct_workspace(int c, int kh,
                                                                                   int kw, int sw,
                                                                                   int dh, int ow) {
  return round_up(ring_rows(kh, dh), 4) + ring_rows(kh, dh) * c * sw * plane_length(ow, kw, sw);
}

/*
 * Rows row0 .. row0+rows of the n oh output rows of the convolution of x [n, h, w, c] with
 * filter [kh, kw, c, oc] (strides sh, sw, dilation dh along y, 1 along x): out [n, oh, ow, oc];
 * bias (oc floats) and the activation as in gemm().
 */
__attribute__((export_name("conv2d_direct"))) void conv2d_direct(
    int n, int h, int w, int c, int kh, int kw, int sh, int sw, int dh, int padTop, int padLeft,
    int oh, int ow, int oc, int row0, int rows, const f32 *x, const f32 *filter, f32 *out,
    const f32 *bias, int hasBias, int act, f32 alpha, f32 *work) {
  struct direct_geom g = {n, h, w, c, kh, kw, sh, sw, dh, padTop, padLeft, oh, ow, oc,
                          oh, ow, 1, 1, 0, 0};
  direct_rows(&g, row0, rows, x, filter, out, bias, hasBias, act, alpha, work);
}

/*
 * Rows row0 .. row0+rows (of n ceil((h - py) / sh)) of output phase (py, px) of the input
 * gradient dx [n, h, w, c] of a convolution with filter [kh, kw, c, oc] (strides sh, sw, padding
 * padTop/padLeft) from dy [n, oh, ow, oc]: the sub-pixel decomposition of conv.c's
 * conv2d_backprop_input, each phase a stride-1 correlation of dy with the reversed sub-filter
 * [Jy, Jx, oc, c] (copied into work first) written onto the phase's sub-grid of dx.
 */
__attribute__((export_name("conv2d_backprop_input_direct"))) void conv2d_backprop_input_direct(
    int n, int h, int w, int c, int kh, int kw, int sh, int sw, int padTop, int padLeft, int oh,
    int ow, int oc, int py, int px, int row0, int rows, const f32 *dy, const f32 *filter, f32 *dx,
    f32 *work) {
  int ry = (py + padTop) % sh, rx = (px + padLeft) % sw;
  int jy = ry < kh ? (kh - ry + sh - 1) / sh : 0, jx = rx < kw ? (kw - rx + sw - 1) / sw : 0;
  int cy = (py + padTop - ry) / sh, cx = (px + padLeft - rx) / sw;
  int gridRows = (h - py + sh - 1) / sh, gridCols = (w - px + sw - 1) / sw;
  f32 *sub = work;
  for (int j = 0; j < jy; j++)
    for (int i = 0; i < jx; i++) {
      const f32 *tap = filter + ((ry + (jy - 1 - j) * sh) * kw + rx + (jx - 1 - i) * sw) * c * oc;
      f32 *dst = sub + (j * jx + i) * oc * c;
      for (int ci = 0; ci < c; ci++)
        for (int co = 0; co < oc; co++) dst[co * c + ci] = tap[ci * oc + co];
    }
  struct direct_geom g = {n,  oh, ow, oc, jy, jx, 1,  1,  1,  jy - 1 - cy, jx - 1 - cx,
                          gridRows, gridCols, c, h, w, sh, sw, py, px};
  direct_rows(&g, row0, rows, dy, sub, dx, 0, 0, 0, 0.0f, work + round_up(jy * jx * oc * c, 4));
}

/* Floats of work conv2d_backprop_input_direct needs for a phase (any number of rows). */
__attribute__((export_name("conv2d_backprop_input_direct_workspace"))) int
conv2d_backprop_input_direct_workspace(int w, int c, int kh, int kw, int sh, int sw, int oc) {
  int jy = (kh + sh - 1) / sh, jx = (kw + sw - 1) / sw, gridCols = (w + sw - 1) / sw;
  return round_up(jy * jx * oc * c, 4) + conv2d_direct_workspace(oc, jy, jx, 1, 1, gridCols);
}
