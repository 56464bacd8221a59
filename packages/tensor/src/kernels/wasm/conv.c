/*
 * NHWC convolutions as products of gemm.c, with the im2col matrix never built: the packing
 * step gathers each MR-row sliver straight from the image ("implicit GEMM").
 *   conv2d:             out[b, y, x, :] = act(im2col(x)[(b, y, x), :] filter + bias)
 *   conv2d_filter_grad: dfilter = im2col(x)^T dy   (filter [kh, kw, c, oc] = [kh kw c, oc])
 * Both compute a range of output rows, so callers can split them across threads.
 */
#include "gemm.h"

/* Pointer to x at (b, iy, ix, ci), or 0 (no tfjs tensor lives at 0) outside the image. */
static inline const f32 *tap(const struct conv_geom *g, const f32 *xb, int iy, int ix, int ci) {
  if ((unsigned)iy >= (unsigned)g->h || (unsigned)ix >= (unsigned)g->w) return 0;
  return xb + (iy * g->w + ix) * g->c + ci;
}

static inline v128_t load_or_zero(const f32 *p) { return p ? wasm_v128_load(p) : SPLAT(0.0f); }

/* Output position index -> image base, first input row and column of its window. */
struct window {
  const f32 *xb;
  int iy0, ix0, valid;
};

static inline struct window window_of(const struct conv_geom *g, const f32 *x, int i, int valid) {
  struct window w = {x, 0, 0, valid};
  if (!valid) return w;
  int per = g->oh * g->ow, b = i / per, rem = i - b * per, oy = rem / g->ow, ox = rem - oy * g->ow;
  w.xb = x + b * g->h * g->w * g->c;
  w.iy0 = oy * g->sh - g->padTop;
  w.ix0 = ox * g->sw - g->padLeft;
  return w;
}

static inline const f32 *window_tap(const struct conv_geom *g, struct window w, int ky, int kx,
                                    int ci) {
  return w.valid ? tap(g, w.xb, w.iy0 + ky * g->dh, w.ix0 + kx * g->dw, ci) : 0;
}

/*
 * Pointer to the taps (ky, kx0 .. kx1, ci0 ..) of a window when they are one contiguous run of
 * x (dilation 1 along x, all columns inside the image), 0 when the whole run is padding, and
 * `partial` set when some taps are inside and some outside.
 */
static inline const f32 *window_run(const struct conv_geom *g, struct window w, int ky, int kx0,
                                    int kx1, int ci0, int *partial) {
  if (!w.valid) return 0;
  int iy = w.iy0 + ky * g->dh;
  if ((unsigned)iy >= (unsigned)g->h) return 0;
  int first = w.ix0 + kx0 * g->dw, last = w.ix0 + kx1 * g->dw;
  if (first >= 0 && last < g->w) return w.xb + (iy * g->w + first) * g->c + ci0;
  if (last < 0 || first >= g->w) return 0;
  *partial = 1;
  return 0;
}

/* Packs `run` columns of 4 rows read from s0..s3 (0: zeros) into the sliver at d. */
static inline f32 *pack_rows4(f32 *d, int run, const f32 *s0, const f32 *s1, const f32 *s2,
                              const f32 *s3) {
  int j = 0;
  for (; j + 4 <= run; j += 4) {
    v128_t r0 = load_or_zero(s0 ? s0 + j : 0), r1 = load_or_zero(s1 ? s1 + j : 0);
    v128_t r2 = load_or_zero(s2 ? s2 + j : 0), r3 = load_or_zero(s3 ? s3 + j : 0);
    TRANSPOSE4(r0, r1, r2, r3);
    wasm_v128_store(d, r0);
    wasm_v128_store(d + 4, r1);
    wasm_v128_store(d + 8, r2);
    wasm_v128_store(d + 12, r3);
    d += 4 * MR;
  }
  for (; j < run; j++) {
    d[0] = s0 ? s0[j] : 0.0f;
    d[1] = s1 ? s1[j] : 0.0f;
    d[2] = s2 ? s2[j] : 0.0f;
    d[3] = s3 ? s3[j] : 0.0f;
    d += MR;
  }
  return d;
}

void pack_im2col(const struct conv_geom *g, const f32 *x, int row0, int mc, int p0, int kc,
                 f32 *dst) {
  int rowLength = g->kw * g->c; /* taps of one filter row (ky) */
  for (int i0 = 0; i0 < mc; i0 += MR) {
    struct window w0 = window_of(g, x, row0 + i0, 1);
    struct window w1 = window_of(g, x, row0 + i0 + 1, i0 + 1 < mc);
    struct window w2 = window_of(g, x, row0 + i0 + 2, i0 + 2 < mc);
    struct window w3 = window_of(g, x, row0 + i0 + 3, i0 + 3 < mc);
    f32 *d = dst + i0 / MR * kc * MR;
    for (int p = p0, end = p0 + kc; p < end;) {
      int ky = p / rowLength, inRow = p - ky * rowLength, kx = inRow / g->c, ci = inRow - kx * g->c;
      /* Without dilation along x, the rest of filter row ky is contiguous in each window. */
      if (g->dw == 1) {
        int run = min_i(rowLength - inRow, end - p);
        int kxLast = (inRow + run - 1) / g->c, partial = 0;
        const f32 *s0 = window_run(g, w0, ky, kx, kxLast, ci, &partial);
        const f32 *s1 = window_run(g, w1, ky, kx, kxLast, ci, &partial);
        const f32 *s2 = window_run(g, w2, ky, kx, kxLast, ci, &partial);
        const f32 *s3 = window_run(g, w3, ky, kx, kxLast, ci, &partial);
        if (!partial) {
          d = pack_rows4(d, run, s0, s1, s2, s3);
          p += run;
          continue;
        }
      }
      /* One tap (ky, kx): channels ci .. are contiguous in each window. */
      int run = min_i(g->c - ci, end - p);
      d = pack_rows4(d, run, window_tap(g, w0, ky, kx, ci), window_tap(g, w1, ky, kx, ci),
                     window_tap(g, w2, ky, kx, ci), window_tap(g, w3, ky, kx, ci));
      p += run;
    }
  }
}

/* Filter tap index -> (ky, kx, ci). */
struct filter_tap {
  int ky, kx, ci, valid;
};

static inline struct filter_tap filter_tap_of(const struct conv_geom *g, int f, int valid) {
  struct filter_tap t = {0, 0, 0, valid};
  if (valid) {
    t.ci = f % g->c;
    t.kx = (f / g->c) % g->kw;
    t.ky = f / (g->c * g->kw);
  }
  return t;
}

/* The 4 taps t at one window (iy, ix), one by one. */
static inline void pack_taps_scalar(const struct conv_geom *g, const struct filter_tap *t,
                                    const f32 *xb, int iy, int ix, f32 *d) {
  for (int r = 0; r < MR; r++) {
    const f32 *s = t[r].valid ? tap(g, xb, iy + t[r].ky * g->dh, ix + t[r].kx * g->dw, t[r].ci) : 0;
    d[r] = s ? *s : 0.0f;
  }
}

void pack_im2col_t(const struct conv_geom *g, const f32 *x, int row0, int mc, int p0, int kc,
                   f32 *dst) {
  int per = g->oh * g->ow;
  for (int i0 = 0; i0 < mc; i0 += MR) {
    struct filter_tap t[MR];
    for (int r = 0; r < MR; r++) t[r] = filter_tap_of(g, row0 + i0 + r, i0 + r < mc);
    /* Four consecutive taps of one filter row are contiguous in x without dilation along x:
     * one vector load per position where the window covers them. */
    int vector = t[3].valid && t[0].ky == t[3].ky && g->dw == 1;
    int span = t[3].kx - t[0].kx; /* extra columns the 4 taps reach right of the first */
    f32 *d = dst + i0 / MR * kc * MR;
    int b = p0 / per, rem = p0 - b * per, oy = rem / g->ow, ox = rem - oy * g->ow;
    for (int q = 0; q < kc;) {
      /* The positions left in output row (b, oy). */
      int count = min_i(kc - q, g->ow - ox);
      const f32 *xb = x + b * g->h * g->w * g->c;
      int iy = oy * g->sh - g->padTop, ix = ox * g->sw - g->padLeft;
      if (!vector) {
        for (int j = 0; j < count; j++, d += MR) pack_taps_scalar(g, t, xb, iy, ix + j * g->sw, d);
      } else if ((unsigned)(iy + t[0].ky * g->dh) >= (unsigned)g->h) {
        for (int j = 0; j < count; j++, d += MR) wasm_v128_store(d, SPLAT(0.0f));
      } else {
        /* Positions j whose 4 taps lie inside the row: first + j sw >= 0 and last + j sw < w. */
        int first = ix + t[0].kx, sw = g->sw;
        int lo = first >= 0 ? 0 : (-first + sw - 1) / sw;
        int hi = g->w - span - first > 0 ? (g->w - span - first + sw - 1) / sw : 0;
        lo = min_i(lo, count);
        hi = min_i(hi < lo ? lo : hi, count);
        int j = 0;
        for (; j < lo; j++, d += MR) pack_taps_scalar(g, t, xb, iy, ix + j * sw, d);
        const f32 *src = xb + ((iy + t[0].ky * g->dh) * g->w + first + j * sw) * g->c + t[0].ci;
        int step = sw * g->c;
        for (; j < hi; j++, d += MR, src += step) wasm_v128_store(d, wasm_v128_load(src));
        for (; j < count; j++, d += MR) pack_taps_scalar(g, t, xb, iy, ix + j * sw, d);
      }
      q += count;
      ox += count;
      if (ox == g->ow) {
        ox = 0;
        if (++oy == g->oh) {
          oy = 0;
          b++;
        }
      }
    }
  }
}

/*
 * Rows row0 .. row0+rows of the convolution of x [n, h, w, c] with filter [kh, kw, c, oc]
 * (strides sh, sw, dilations dh, dw, padding top/left, output oh x ow): out holds all
 * n oh ow rows of oc values; bias (oc floats) and the activation as in gemm().
 */
__attribute__((export_name("conv2d"))) void conv2d(int n, int h, int w, int c, int kh, int kw,
                                                   int sh, int sw, int dh, int dw, int padTop,
                                                   int padLeft, int oh, int ow, int oc, int row0,
                                                   int rows, const f32 *x, const f32 *filter,
                                                   f32 *out, const f32 *bias, int hasBias, int act,
                                                   f32 alpha, f32 *work) {
  struct conv_geom geom = {n, h, w, c, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow};
  int k = kh * kw * c;
  struct gemm_args g = {.batch = 1, .m = rows, .n = oc, .k = k, .kSplit = k, .aMode = A_IM2COL,
                        .aRow0 = row0, .conv = &geom, .a = x, .a2 = x, .b = filter, .bRs = oc,
                        .bCs = 1, .c = out + row0 * oc, .ldc = oc, .bias = bias,
                        .hasBias = hasBias, .act = act, .alpha = alpha};
  gemm_core(&g, work);
}

/*
 * Rows row0 .. row0+rows (filter taps (ky, kx, ci) in that order) of the filter gradient
 * im2col(x)^T dy, x [n, h, w, c], dy [n, oh, ow, oc] (dilation 1): out is [kh kw c, oc].
 */
__attribute__((export_name("conv2d_filter_grad"))) void conv2d_filter_grad(
    int n, int h, int w, int c, int kh, int kw, int sh, int sw, int padTop, int padLeft, int oh,
    int ow, int oc, int row0, int rows, const f32 *x, const f32 *dy, f32 *out, f32 *work) {
  struct conv_geom geom = {n, h, w, c, kh, kw, sh, sw, 1, 1, padTop, padLeft, oh, ow};
  int k = n * oh * ow;
  struct gemm_args g = {.batch = 1, .m = rows, .n = oc, .k = k, .kSplit = k, .aMode = A_IM2COL_T,
                        .aRow0 = row0, .conv = &geom, .a = x, .a2 = x, .b = dy, .bRs = oc,
                        .bCs = 1, .c = out + row0 * oc, .ldc = oc};
  gemm_core(&g, work);
}

/*
 * Rows row0 .. row0+rows of output phase (py, px) of the input gradient (= conv2d_transpose)
 * dx [n, h, w, c] of a convolution with filter [kh, kw, c, oc] (strides sh, sw, padding
 * padTop/padLeft, dilation 1) from dy [n, oh, ow, oc].
 *
 * Sub-pixel decomposition: pixels (m sh + py, q sw + px) of dx only receive the filter taps
 * ky = ry + j sh (ry = (py + padTop) mod sh), kx likewise, from dy row m + cy - j (cy =
 * (py + padTop - ry) / sh). With the taps in reverse order that is a stride-1 convolution of dy
 * with the phase's sub-filter, written straight onto the phase's sub-grid of dx: no product
 * hits an inserted zero, and the phases write disjoint pixels. The sub-filter
 * [Jy Jx oc, c] is copied into work first.
 */
__attribute__((export_name("conv2d_backprop_input"))) void conv2d_backprop_input(
    int n, int h, int w, int c, int kh, int kw, int sh, int sw, int padTop, int padLeft, int oh,
    int ow, int oc, int py, int px, int row0, int rows, const f32 *dy, const f32 *filter, f32 *dx,
    f32 *work) {
  int ry = (py + padTop) % sh, rx = (px + padLeft) % sw;
  int jy = ry < kh ? (kh - ry + sh - 1) / sh : 0, jx = rx < kw ? (kw - rx + sw - 1) / sw : 0;
  int cy = (py + padTop - ry) / sh, cx = (px + padLeft - rx) / sw;
  int gridRows = (h - py + sh - 1) / sh, gridCols = (w - px + sw - 1) / sw;
  struct c_grid grid = {gridRows, gridCols, h, w, sh, sw, py, px};
  /* Sub-filter, taps reversed: row (j', i', co), column ci = filter[ry + (jy-1-j') sh,
   * rx + (jx-1-i') sw, ci, co]. */
  int k = jy * jx * oc;
  f32 *sub = work;
  for (int j = 0; j < jy; j++)
    for (int i = 0; i < jx; i++) {
      const f32 *tap = filter + ((ry + (jy - 1 - j) * sh) * kw + rx + (jx - 1 - i) * sw) * c * oc;
      f32 *dst = sub + (j * jx + i) * oc * c;
      for (int ci = 0; ci < c; ci++)
        for (int co = 0; co < oc; co++) dst[co * c + ci] = tap[ci * oc + co];
    }
  struct conv_geom geom = {n, oh, ow, oc, jy, jx, 1, 1, 1, 1, jy - 1 - cy, jx - 1 - cx,
                           gridRows, gridCols};
  struct gemm_args g = {.batch = 1, .m = rows, .n = c, .k = k, .kSplit = k, .aMode = A_IM2COL,
                        .aRow0 = row0, .conv = &geom, .a = dy, .a2 = dy, .b = sub, .bRs = c,
                        .bCs = 1, .c = dx, .ldc = c, .grid = &grid};
  gemm_core(&g, work + round_up(k * c, 4));
}

/* Floats of work conv2d_backprop_input needs for `rows` rows of a phase. */
__attribute__((export_name("conv2d_backprop_input_workspace"))) int conv2d_backprop_input_workspace(
    int rows, int c, int kh, int kw, int sh, int sw, int oc) {
  int k = ((kh + sh - 1) / sh) * ((kw + sw - 1) / sw) * oc;
  return round_up(k * c, 4) + gemm_workspace(rows, c, k);
}
