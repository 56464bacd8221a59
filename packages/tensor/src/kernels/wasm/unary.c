/*
 * Element-wise functions on float32 arrays of the tfjs heap, 4 lanes at a time. tfjs' wasm
 * backend computes tanh and softplus one element at a time with libm (about 25 ns per
 * element); these take about 1.5.
 */
#include "simd.h"

enum { UNARY_TANH = 0, UNARY_SOFTPLUS = 1, UNARY_SIGMOID = 2 };

static inline v128_t apply(int op, v128_t x) {
  switch (op) {
  case UNARY_TANH:
    return tanh4(x);
  case UNARY_SOFTPLUS:
    return softplus4(x);
  default:
    return sigmoid4(x);
  }
}

/* y[i] = f(x[i]) for i < n (x and y may be the same array). */
__attribute__((export_name("unary"))) void unary(int op, int n, const f32 *x, f32 *y) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, apply(op, wasm_v128_load(x + i)));
  if (i < n) {
    /* The tail through a vector, lane by lane. */
    v128_t v = SPLAT(0.0f);
    if (i + 0 < n) v = wasm_f32x4_replace_lane(v, 0, x[i + 0]);
    if (i + 1 < n) v = wasm_f32x4_replace_lane(v, 1, x[i + 1]);
    if (i + 2 < n) v = wasm_f32x4_replace_lane(v, 2, x[i + 2]);
    v = apply(op, v);
    if (i + 0 < n) y[i + 0] = wasm_f32x4_extract_lane(v, 0);
    if (i + 1 < n) y[i + 1] = wasm_f32x4_extract_lane(v, 1);
    if (i + 2 < n) y[i + 2] = wasm_f32x4_extract_lane(v, 2);
  }
}

/*
 * out[j] = sum over i of x[i * cols + j]: a sum over leading axes (a bias gradient), each
 * column summed in row order, without the transposed copy tfjs' Sum makes first.
 */
__attribute__((export_name("sum_rows"))) void sum_rows(int rows, int cols, const f32 *x,
                                                       f32 *out) {
  for (int j = 0; j < cols; j++) out[j] = 0.0f;
  for (int i = 0; i < rows; i++) {
    const f32 *row = x + i * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4) wasm_v128_store(out + j, ADD(wasm_v128_load(out + j), wasm_v128_load(row + j)));
    for (; j < cols; j++) out[j] = out[j] + row[j];
  }
}
