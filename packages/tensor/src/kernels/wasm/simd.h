/*
 * Shared by the C kernels of this folder: 128-bit SIMD helpers, the fused multiply-add of the
 * relaxed build, and float32 exp / tanh / sigmoid / softplus on 4 lanes.
 *
 * The elementary functions follow the classic Cephes single-precision algorithms (range
 * reduction plus minimax polynomials, coefficients from Cephes' expf/tanhf/logf); their
 * error is within a few float32 ulps of the exact value.
 */
#ifndef VMBRL_SIMD_H
#define VMBRL_SIMD_H

#include <wasm_simd128.h>

typedef float f32;

static inline int min_i(int a, int b) { return a < b ? a : b; }
static inline int round_up(int x, int m) { return (x + m - 1) / m * m; }

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

#define SPLAT(x) wasm_f32x4_splat(x)
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define DIV wasm_f32x4_div

/*
 * e^x, x = n ln2 + r: e^r by a polynomial, 2^n as two factors so that results down to the
 * smallest subnormal come out right. x is clamped to [-104, 88.72] (0 and FLT_MAX beyond).
 */
static inline v128_t exp4(v128_t x) {
  x = wasm_f32x4_pmin(wasm_f32x4_pmax(x, SPLAT(-104.0f)), SPLAT(88.7228f));
  v128_t n = wasm_f32x4_nearest(MUL(x, SPLAT(1.44269504088896341f)));
  v128_t r = SUB(SUB(x, MUL(n, SPLAT(0.693359375f))), MUL(n, SPLAT(-2.12194440e-4f)));
  v128_t p = SPLAT(1.9875691500e-4f);
  p = ADD(MUL(p, r), SPLAT(1.3981999507e-3f));
  p = ADD(MUL(p, r), SPLAT(8.3334519073e-3f));
  p = ADD(MUL(p, r), SPLAT(4.1665795894e-2f));
  p = ADD(MUL(p, r), SPLAT(1.6666665459e-1f));
  p = ADD(MUL(p, r), SPLAT(5.0000001201e-1f));
  p = ADD(ADD(MUL(MUL(p, r), r), r), SPLAT(1.0f));
  v128_t ni = wasm_i32x4_trunc_sat_f32x4(n);
  v128_t n1 = wasm_i32x4_shr(ni, 1), n2 = wasm_i32x4_sub(ni, n1);
  v128_t bias = wasm_i32x4_splat(127);
  v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, bias), 23);
  v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, bias), 23);
  return MUL(MUL(p, s1), s2);
}

/* Natural log for x > 0 (normal numbers): x = m 2^e with m in [sqrt(1/2), sqrt(2)). */
static inline v128_t log4(v128_t x) {
  v128_t bits = x;
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), wasm_i32x4_splat(126));
  v128_t m = wasm_v128_or(wasm_v128_and(bits, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f000000));
  /* m in [0.5, 1): if m < sqrt(1/2), m = 2m and e -= 1; then work with m - 1. */
  v128_t small = wasm_f32x4_lt(m, SPLAT(0.707106781186547524f));
  e = wasm_i32x4_add(e, small); /* small lanes are -1 */
  m = SUB(ADD(m, wasm_v128_and(m, small)), SPLAT(1.0f));
  v128_t ef = wasm_f32x4_convert_i32x4(e);
  v128_t z = MUL(m, m);
  v128_t y = SPLAT(7.0376836292e-2f);
  y = ADD(MUL(y, m), SPLAT(-1.1514610310e-1f));
  y = ADD(MUL(y, m), SPLAT(1.1676998740e-1f));
  y = ADD(MUL(y, m), SPLAT(-1.2420140846e-1f));
  y = ADD(MUL(y, m), SPLAT(1.4249322787e-1f));
  y = ADD(MUL(y, m), SPLAT(-1.6668057665e-1f));
  y = ADD(MUL(y, m), SPLAT(2.0000714765e-1f));
  y = ADD(MUL(y, m), SPLAT(-2.4999993993e-1f));
  y = ADD(MUL(y, m), SPLAT(3.3333331174e-1f));
  y = MUL(MUL(y, m), z);
  y = ADD(y, MUL(ef, SPLAT(-2.12194440e-4f)));
  y = SUB(y, MUL(z, SPLAT(0.5f)));
  return ADD(ADD(m, y), MUL(ef, SPLAT(0.693359375f)));
}

/*
 * tanh: for |x| < 0.625 an odd polynomial, else 1 - 2 / (e^{2|x|} + 1); computed on |x| and
 * given the sign of x at the end (so tanh(-0) = -0).
 */
static inline v128_t tanh4(v128_t x) {
  v128_t ax = wasm_f32x4_abs(x);
  v128_t z = MUL(x, x);
  v128_t p = SPLAT(-5.70498872745e-3f);
  p = ADD(MUL(p, z), SPLAT(2.06390887954e-2f));
  p = ADD(MUL(p, z), SPLAT(-5.37397155531e-2f));
  p = ADD(MUL(p, z), SPLAT(1.33314422036e-1f));
  p = ADD(MUL(p, z), SPLAT(-3.33332819422e-1f));
  v128_t small = ADD(MUL(MUL(p, z), ax), ax);
  /* tanh(x) rounds to 1 in float32 from x = 9.01; clamping keeps e^{2|x|} finite. */
  v128_t e = exp4(MUL(wasm_f32x4_min(ax, SPLAT(10.0f)), SPLAT(2.0f)));
  v128_t large = SUB(SPLAT(1.0f), DIV(SPLAT(2.0f), ADD(e, SPLAT(1.0f))));
  v128_t t = wasm_v128_bitselect(small, large, wasm_f32x4_lt(ax, SPLAT(0.625f)));
  return wasm_v128_or(t, wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000)));
}

/* 1 / (1 + e^{-x}); for x below -88.7 e^{-x} saturates at FLT_MAX (result ~3e-39, not 0). */
static inline v128_t sigmoid4(v128_t x) {
  return DIV(SPLAT(1.0f), ADD(SPLAT(1.0f), exp4(wasm_f32x4_neg(x))));
}

/*
 * log(1 + e^x) with the thresholds of tfjs' softplus (x > 13.94: x; x < -13.94: e^x), and
 * log1p(u) computed as log(1 + u) * u / ((1 + u) - 1), exact to rounding for small u.
 */
static inline v128_t softplus4(v128_t x) {
  const f32 threshold = -13.9423847f; /* log(2^-23) + 2 */
  v128_t u = exp4(x);
  v128_t w = ADD(SPLAT(1.0f), u);
  v128_t d = SUB(w, SPLAT(1.0f));
  v128_t l = MUL(log4(w), DIV(u, d));
  l = wasm_v128_bitselect(u, l, wasm_f32x4_eq(d, SPLAT(0.0f)));
  l = wasm_v128_bitselect(u, l, wasm_f32x4_lt(x, SPLAT(threshold)));
  return wasm_v128_bitselect(x, l, wasm_f32x4_gt(x, SPLAT(-threshold)));
}

/* Epilogue activations of the product (the rest are applied by tfjs kernels after it). */
enum { ACT_LINEAR = 0, ACT_RELU = 1, ACT_RELU6 = 2, ACT_LEAKY_RELU = 3, ACT_SIGMOID = 4, ACT_TANH = 5 };

static inline v128_t activate(v128_t v, int act, f32 alpha) {
  v128_t zero = SPLAT(0.0f);
  switch (act) {
  case ACT_RELU:
    return wasm_f32x4_pmax(v, zero); /* v < 0 ? 0 : v; NaN stays NaN as in tfjs' relu */
  case ACT_RELU6:
    return wasm_f32x4_pmin(wasm_f32x4_pmax(v, zero), SPLAT(6.0f));
  case ACT_LEAKY_RELU:
    return wasm_v128_bitselect(v, MUL(v, SPLAT(alpha)), wasm_f32x4_gt(v, zero));
  case ACT_SIGMOID:
    return sigmoid4(v);
  case ACT_TANH:
    return tanh4(v);
  default:
    return v;
  }
}

#endif
