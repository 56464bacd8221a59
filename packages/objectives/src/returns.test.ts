import { initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { cumulativeDiscounts, lambdaReturn, nStepReturn, rewardSumReturn } from './returns.js';

function rows(t: tf.Tensor): number[] {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

function expectClose(actual: number[], expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i] as number, digits));
}

// One trajectory (N = 1): r = 1, 2, 3; v(s_1) = 10, v(s_2) = 20; bootstrap v(s_3) = 30.
const r = [[1], [2], [3]];
const v = [[0], [10], [20]];

describe('Dreamer value estimates (Dreamer eq. 4-6)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });

  it('lambdaReturn matches hand-computed values, bootstrapping at the horizon', () => {
    tf.tidy(() => {
      const inputs = {
        rewards: tf.tensor2d(r),
        values: tf.tensor2d(v),
        bootstrap: tf.tensor1d([30]),
      };
      // gamma = lambda = 0.5:
      // R3 = 30; R2 = 3 + .5 (.5*30 + .5*30) = 18; R1 = 2 + .5 (.5*20 + .5*18) = 11.5;
      // R0 = 1 + .5 (.5*10 + .5*11.5) = 6.375
      expectClose(
        rows(lambdaReturn({ ...inputs, discounts: 0.5, lambda: 0.5 })),
        [6.375, 11.5, 18],
      );
      // lambda = 0: one-step TD targets r_t + gamma v(s_{t+1}).
      expectClose(rows(lambdaReturn({ ...inputs, discounts: 0.5, lambda: 0 })), [6, 12, 18]);
      // lambda = 1: discounted Monte-Carlo plus discounted bootstrap:
      // R0 = 1 + .5*2 + .25*3 + .125*30 = 6.5, R1 = 2 + .5*3 + .25*30 = 11, R2 = 3 + 15 = 18.
      expectClose(rows(lambdaReturn({ ...inputs, discounts: 0.5, lambda: 1 })), [6.5, 11, 18]);
      // The bootstrap may come as the last row of values instead.
      const stacked = tf.tensor2d([...v, [30]]);
      expectClose(
        rows(
          lambdaReturn({ rewards: inputs.rewards, values: stacked, discounts: 0.5, lambda: 0.5 }),
        ),
        [6.375, 11.5, 18],
      );
      // A per-step discount of 0 after step 1 (a terminal) cuts everything beyond it:
      // R2 = 18, R1 = 2 + 0 = 2, R0 = 1 + .5 (.5*10 + .5*2) = 4.
      const discounts = tf.tensor2d([[0.5], [0], [0.5]]);
      expectClose(rows(lambdaReturn({ ...inputs, discounts, lambda: 0.5 })), [4, 2, 18]);
    });
  });

  it('lambdaReturn equals the weighted average of n-step returns written out as in Dreamer eq. 6', () => {
    const horizon = 6;
    const batch = 3;
    const gamma = 0.9;
    const lambda = 0.7;
    const rewards = Array.from({ length: horizon }, (_, t) =>
      Array.from({ length: batch }, (_, b) => Math.sin(t * 3 + b) + 0.5),
    );
    const values = Array.from({ length: horizon + 1 }, (_, t) =>
      Array.from({ length: batch }, (_, b) => Math.cos(t + 2 * b) * 4),
    );
    // Plain JS: V_N^k(s_t) = sum_{n=t}^{h-1} gamma^{n-t} r_n + gamma^{h-t} v_h, h = min(t+k, T);
    // V_lambda(s_t) = (1 - lambda) sum_{n=1}^{L-1} lambda^{n-1} V_N^n + lambda^{L-1} V_N^L, L = T - t.
    const vN = (t: number, k: number, b: number) => {
      const h = Math.min(t + k, horizon);
      let sum = 0;
      for (let n = t; n < h; n++) sum += gamma ** (n - t) * (rewards[n]?.[b] as number);
      return sum + gamma ** (h - t) * (values[h]?.[b] as number);
    };
    const expected: number[] = [];
    const expected2: number[] = [];
    for (let t = 0; t < horizon; t++) {
      for (let b = 0; b < batch; b++) {
        const remaining = horizon - t;
        let sum = 0;
        for (let n = 1; n < remaining; n++) sum += (1 - lambda) * lambda ** (n - 1) * vN(t, n, b);
        expected.push(sum + lambda ** (remaining - 1) * vN(t, remaining, b));
        expected2.push(vN(t, 2, b));
      }
    }
    tf.tidy(() => {
      const inputs = {
        rewards: tf.tensor2d(rewards),
        values: tf.tensor2d(values),
        discounts: gamma,
      };
      expectClose(rows(lambdaReturn({ ...inputs, lambda })), expected, 4);
      expectClose(rows(nStepReturn({ ...inputs, k: 2 })), expected2, 4);
      // V_N^k with k >= T is lambda = 1; k = 1 is lambda = 0.
      expectClose(
        rows(nStepReturn({ ...inputs, k: horizon + 3 })),
        rows(lambdaReturn({ ...inputs, lambda: 1 })),
        4,
      );
      expectClose(
        rows(nStepReturn({ ...inputs, k: 1 })),
        rows(lambdaReturn({ ...inputs, lambda: 0 })),
        4,
      );
    });
  });

  it('V_R sums the rewards to the horizon (Dreamer eq. 4) and cumulative discounts weight the steps', () => {
    tf.tidy(() => {
      expectClose(rows(rewardSumReturn(tf.tensor2d(r))), [6, 5, 3]);
      expectClose(rows(rewardSumReturn(tf.tensor2d(r), 0.5)), [1 + 1 + 0.75, 2 + 1.5, 3]);
      expectClose(rows(cumulativeDiscounts(0.5, tf.tensor2d(r))), [1, 0.5, 0.25]);
      const d = tf.tensor2d([[0.9], [0.5], [0.1]]);
      expectClose(rows(cumulativeDiscounts(d, tf.tensor2d(r))), [1, 0.9, 0.45]);
    });
  });

  it('gradients reach rewards, values and bootstrap with the recursion weights', () => {
    tf.tidy(() => {
      const g = tf.grads((rw: tf.Tensor, vl: tf.Tensor, bs: tf.Tensor) =>
        tf.sum(
          lambdaReturn({
            rewards: rw,
            values: vl,
            bootstrap: bs,
            discounts: 0.5,
            lambda: 0.5,
          }).slice(0, 1),
        ),
      );
      const [dr, dv, db] = g([tf.tensor2d(r), tf.tensor2d(v), tf.tensor1d([30])]) as tf.Tensor[];
      // R0 = r0 + .25 v1 + .25 R1, R1 = r1 + .25 v2 + .25 R2, R2 = r2 + .5 b.
      expectClose(rows(dr as tf.Tensor), [1, 0.25, 0.0625]);
      expectClose(rows(dv as tf.Tensor), [0, 0.25, 0.0625]);
      expectClose(rows(db as tf.Tensor), [0.03125]);
    });
  });

  it('differentiates a one-step horizon (T = 1) for every estimate', () => {
    tf.tidy(() => {
      // T = 1: V_lambda = V_N^k = r0 + 0.5 b and V_R = r0, so d/dr0 = 1 and d/db = 0.5.
      const lambda = tf.grads((rw: tf.Tensor, bs: tf.Tensor) =>
        tf.sum(
          lambdaReturn({
            rewards: rw,
            values: tf.zeros([1, 1]),
            bootstrap: bs,
            discounts: 0.5,
            lambda: 0.95,
          }),
        ),
      );
      const [dr, db] = lambda([tf.tensor2d([[2]]), tf.tensor1d([4])]) as tf.Tensor[];
      expectClose(rows(dr as tf.Tensor), [1]);
      expectClose(rows(db as tf.Tensor), [0.5]);
      const nStep = tf.grad((rw: tf.Tensor) =>
        tf.sum(nStepReturn({ rewards: rw, values: tf.zeros([2, 1]), discounts: 0.5, k: 3 })),
      );
      expectClose(rows(nStep(tf.tensor2d([[2]]))), [1]);
      const rewardSum = tf.grad((rw: tf.Tensor) => tf.sum(rewardSumReturn(rw)));
      expectClose(rows(rewardSum(tf.tensor2d([[2]]))), [1]);
    });
  });

  it('rejects bad shapes and parameters with clear messages', () => {
    tf.tidy(() => {
      const rewards = tf.tensor2d(r);
      expect(() =>
        lambdaReturn({ rewards, values: tf.tensor2d(v), discounts: 0.9, lambda: 0.5 }),
      ).toThrow(/bootstrap v\(s_T\) of shape \[1\] is required/);
      expect(() =>
        lambdaReturn({ rewards, values: tf.zeros([5, 1]), discounts: 0.9, lambda: 0.5 }),
      ).toThrow(/T = 3 or T \+ 1 rows/);
      expect(() =>
        lambdaReturn({ rewards, values: tf.zeros([4, 1]), discounts: 1.5, lambda: 0.5 }),
      ).toThrow(/discount must be in \[0, 1\]/);
      expect(() =>
        lambdaReturn({ rewards, values: tf.zeros([4, 1]), discounts: 0.9, lambda: 2 }),
      ).toThrow(/lambda must be in \[0, 1\]/);
      expect(() =>
        nStepReturn({ rewards, values: tf.zeros([4, 1]), discounts: 0.9, k: 0 }),
      ).toThrow(/k must be a positive integer/);
    });
  });
});
