/*
 * One step of the GRU cell of ../../layers/gru.ts (TensorFlow 1's GRUCell, PlaNet's RSSM):
 *   [r, u] = sigmoid([x, h] Wg + bg)
 *   c      = tanh([x, r * h] Wc + bc)
 *   h'     = u * h + (1 - u) * c
 * for `rows` rows, in two products whose epilogues apply sigmoid and tanh, and two passes over
 * [rows, units]: the same arithmetic as the layer's tfjs ops, without the concatenations,
 * splits and nine element-wise kernels, and split by rows across threads by the caller.
 */
#include "gemm.h"

/* Floats of scratch space gru_step needs. */
__attribute__((export_name("gru_workspace"))) int gru_workspace(int rows, int in, int units) {
  int g = gemm_workspace(rows, 2 * units, in + units);
  return rows * 2 * units + rows * units + g;
}

/*
 * x [rows, in], h [rows, units], wg [in + units, 2 units], bg [2 units], wc [in + units, units],
 * bc [units] -> out [rows, units] (out must not overlap the inputs).
 */
__attribute__((export_name("gru_step"))) void gru_step(int rows, int in, int units,    //
                                                       const f32 *x, const f32 *h,      //
                                                       const f32 *wg, const f32 *bg,    //
                                                       const f32 *wc, const f32 *bc,    //
                                                       f32 *out, f32 *work) {
  f32 *gates = work, *rh = gates + rows * 2 * units, *gemmWork = rh + rows * units;
  int k = in + units;
  /* [x, h] Wg: columns of A below `in` from x, the rest from h. */
  struct gemm_args g = {.batch = 1, .m = rows, .n = 2 * units, .k = k, .kSplit = in,
                        .a = x, .aRs = in, .aCs = 1, .a2 = h, .a2Rs = units, .a2Cs = 1,
                        .b = wg, .bRs = 2 * units, .bCs = 1, .c = gates, .ldc = 2 * units,
                        .bias = bg, .hasBias = 1, .act = ACT_SIGMOID};
  gemm_core(&g, gemmWork);
  /* r * h, r = the first half of the gates. */
  for (int i = 0; i < rows; i++) {
    const f32 *r = gates + i * 2 * units, *hi = h + i * units;
    f32 *o = rh + i * units;
    int j = 0;
    for (; j + 4 <= units; j += 4) wasm_v128_store(o + j, MUL(wasm_v128_load(r + j), wasm_v128_load(hi + j)));
    for (; j < units; j++) o[j] = r[j] * hi[j];
  }
  struct gemm_args c = {.batch = 1, .m = rows, .n = units, .k = k, .kSplit = in,
                        .a = x, .aRs = in, .aCs = 1, .a2 = rh, .a2Rs = units, .a2Cs = 1,
                        .b = wc, .bRs = units, .bCs = 1, .c = out, .ldc = units,
                        .bias = bc, .hasBias = 1, .act = ACT_TANH};
  gemm_core(&c, gemmWork);
  /* h' = u * h + (1 - u) * c, u = the second half of the gates. */
  for (int i = 0; i < rows; i++) {
    const f32 *u = gates + i * 2 * units + units, *hi = h + i * units;
    f32 *o = out + i * units;
    int j = 0;
    for (; j + 4 <= units; j += 4) {
      v128_t uj = wasm_v128_load(u + j);
      v128_t kept = MUL(uj, wasm_v128_load(hi + j));
      v128_t fresh = MUL(SUB(SPLAT(1.0f), uj), wasm_v128_load(o + j));
      wasm_v128_store(o + j, ADD(kept, fresh));
    }
    for (; j < units; j++) o[j] = u[j] * hi[j] + (1.0f - u[j]) * o[j];
  }
}
