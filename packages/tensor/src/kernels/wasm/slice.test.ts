import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, isFastKernel, tf } from '../../index.js';
import { KERNEL_GROUPS, setWasmKernels } from './backend-kernels.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false, wasmThreads: 1 });
});

/** f's values on wasm with our slice group on or off (tfjs' Slice / Unpack). */
function values(f: () => tf.Tensor | tf.Tensor[], ours: boolean): number[][] {
  setWasmKernels(ours ? KERNEL_GROUPS : KERNEL_GROUPS.filter((g) => g !== 'slice'));
  try {
    return tf.tidy(() => {
      const out = f();
      return (Array.isArray(out) ? out : [out]).map((t) => [...t.shape, ...t.dataSync()]);
    });
  } finally {
    setWasmKernels(KERNEL_GROUPS);
  }
}

describe('Slice, Unpack and SplitV on the wasm heap', () => {
  it('replace tfjs kernels', () => {
    expect(isFastKernel('Slice', 'wasm')).toBe(true);
    expect(isFastKernel('Unpack', 'wasm')).toBe(true);
    expect(isFastKernel('SplitV', 'wasm')).toBe(true);
  });

  it('equal tfjs kernels and the index arithmetic on every kind of window', () => {
    const x4 = tf.range(0, 3 * 5 * 6 * 4).reshape([3, 5, 6, 4]);
    const x1 = tf.range(0, 17);
    const b = tf.tensor2d(
      [
        [1, 0, 1],
        [0, 0, 1],
      ],
      [2, 3],
      'bool',
    );
    const i3 = tf.range(0, 24, 1, 'int32').reshape([2, 3, 4]);
    const cases: (() => tf.Tensor | tf.Tensor[])[] = [
      () => tf.slice(x4, [1, 0, 0, 0], [1, 5, 6, 4]), // leading axis: one run
      () => tf.slice(x4, [0, 1, 2, 0], [3, 3, 4, 4]), // rows of whole pixels
      () => tf.slice(x4, [2, 4, 5, 1], [1, 1, 1, 2]), // a corner
      () => tf.slice(x4, [0, 0, 0, 3], [3, 5, 6, 1]), // last axis: one element per run
      () => tf.slice(x4, [1, 2], [-1, 2]), // size -1, fewer begin entries
      () => tf.slice(x4, [0, 0, 0, 0], [0, 5, 6, 4]), // empty
      () => tf.slice(x1, [3], [9]),
      () => tf.slice(b, [0, 1], [2, 2]).cast('float32'),
      () => tf.slice(i3, [1, 1, 1], [1, 2, 3]).cast('float32'),
      () => tf.unstack(x4, 0),
      () => tf.unstack(x4, 2),
      () => tf.unstack(x4, -1),
      () => tf.unstack(i3, 1).map((t) => t.cast('float32')),
      () => tf.split(x4, 3, 0),
      () => tf.split(x4, [1, 3, 2], 2),
      () => tf.split(x4, [1, -1], -1),
      () => tf.split(tf.range(0, 24).reshape([3, 8]), 4, 1), // a GRU / LSTM gate split
    ];
    for (const [i, f] of cases.entries()) {
      expect(values(f, true), `case ${i}`).toEqual(values(f, false));
    }
    // By hand: x4[n, y, x, c] = ((n * 5 + y) * 6 + x) * 4 + c; (2, 4, 5) is pixel 89.
    const corner = values(() => tf.slice(x4, [2, 4, 5, 1], [1, 1, 1, 2]), true)[0];
    expect(corner).toEqual([1, 1, 1, 2, 89 * 4 + 1, 89 * 4 + 2]);
    const piece = values(() => tf.unstack(x4, 2), true)[3];
    expect(piece?.slice(0, 5)).toEqual([3, 5, 4, 12, 13]);
    // The second gate of rows 0..7, 8..15, 16..23: columns 2 and 3 of each row.
    const gate = values(() => tf.split(tf.range(0, 24).reshape([3, 8]), 4, 1), true)[1];
    expect(gate).toEqual([3, 2, 2, 3, 10, 11, 18, 19]);
    tf.dispose([x4, x1, b, i3]);
  });

  it('keep gradients and tensor counts', () => {
    const x = tf.randomNormal([4, 7, 7, 3], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const g = tf.grad((v: tf.Tensor) =>
      tf.addN([
        tf.sum(tf.slice(v, [1, 2, 2, 0], [2, 3, 3, 3])),
        tf.sum(tf.unstack(v)[2] as tf.Tensor),
        tf.sum(tf.split(v, [3, 4], 1)[1] as tf.Tensor),
      ]),
    )(x);
    // d/dv: 1 inside the window, plus 1 on batch 2, plus 1 on rows 3..6.
    const want = tf.tidy(() => {
      const w = tf.buffer([4, 7, 7, 3]);
      for (let n = 0; n < 4; n += 1)
        for (let y = 0; y < 7; y += 1)
          for (let xx = 0; xx < 7; xx += 1)
            for (let c = 0; c < 3; c += 1) {
              const inWindow = n >= 1 && n <= 2 && y >= 2 && y <= 4 && xx >= 2 && xx <= 4;
              w.set((inWindow ? 1 : 0) + (n === 2 ? 1 : 0) + (y >= 3 ? 1 : 0), n, y, xx, c);
            }
      return w.toTensor();
    });
    expect([...g.dataSync()]).toEqual([...want.dataSync()]);
    tf.dispose([g, want]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
