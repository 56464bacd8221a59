import { expect } from 'vitest';

/** A kernel's output or the cpu backend's, read back. */
export type KernelOut = { shape: number[]; values: Float32Array };

/**
 * Sums of k products of N(0, 1) numbers differ from the cpu backend's by summation order only:
 * bound each element by 1e-6 times the sum of the terms' magnitudes (about 0.64 k), times 4,
 * plus 1e-6 (about 40 times the expected rounding error).
 */
export function expectClose(got: KernelOut, want: KernelOut, k: number): void {
  expect(got.shape).toEqual(want.shape);
  let worst = 0;
  want.values.forEach((w, i) => {
    worst = Math.max(worst, Math.abs((got.values[i] as number) - w));
  });
  expect(worst).toBeLessThanOrEqual(4e-6 * 0.64 * k + 1e-6);
}
