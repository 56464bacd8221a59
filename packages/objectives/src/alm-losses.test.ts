import { Normal, initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AlmFunctions,
  classifierLoss,
  lowerBoundLoss,
  modelFreeActorLoss,
  noisyPolicy,
  policyLoss,
  rewardLoss,
  tdLoss,
} from './alm-losses.js';
import { constantNoise } from './noise.js';

/**
 * Toy "networks" with 1-d states, latents and actions whose outputs are easy to follow by hand.
 * The same formulas are written in plain JS below (`js`).
 */
const toy: AlmFunctions = {
  encode: (s) => new Normal(s, tf.fill(s.shape, 0.5)),
  encodeTarget: (s) => new Normal(tf.mul(2, s), tf.onesLike(s)),
  model: (z, a) => new Normal(tf.add(z, a), tf.fill(z.shape, 0.25)),
  policy: (z) => tf.mul(0.5, z),
  reward: (z, a) => tf.squeeze(tf.add(z, tf.mul(2, a)), [-1]),
  classifierLogit: (z, a, zNext) => tf.squeeze(tf.add(tf.sub(zNext, z), a), [-1]),
  critic: (z, a) => [tf.squeeze(tf.add(z, a), [-1]), tf.squeeze(tf.mul(2, z), [-1])],
  criticTarget: (z, a) => [tf.squeeze(tf.sub(z, a), [-1]), tf.squeeze(tf.add(z, 1), [-1])],
};

const js = {
  model: (z: number, a: number) => ({ mean: z + a, std: 0.25 }),
  target: (s: number) => ({ mean: 2 * s, std: 1 }),
  policy: (z: number, eps: number, std: number, clip: number) => {
    const raw = 0.5 * z + Math.max(-clip, Math.min(clip, std * eps));
    return Math.max(-1 + 1e-6, Math.min(1 - 1e-6, raw));
  },
  reward: (z: number, a: number) => z + 2 * a,
  logit: (z: number, a: number, zNext: number) => zNext - z + a,
  q: (z: number, a: number) => Math.min(z + a, 2 * z),
  kl: (p: { mean: number; std: number }, q: { mean: number; std: number }) =>
    Math.log(q.std / p.std) + (p.std ** 2 + (p.mean - q.mean) ** 2) / (2 * q.std ** 2) - 0.5,
};

function scalar(t: tf.Tensor): number {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
}

const col = (xs: number[]) => tf.tensor2d(xs, [xs.length, 1]);

describe('ALM losses on tiny inputs', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });

  const base = { gamma: 0.5, klTerm: true, valueTerm: true, discount: false, std: 0.2, clip: 0.3 };

  it('lower bound (ALM eq. 7), K = 1, by hand, and each ablation flag', () => {
    tf.tidy(() => {
      const batch = { states: tf.tensor3d([[[1]], [[2]]]), actions: tf.tensor3d([[[0.5]]]) };
      const o = { ...base, noise: constantNoise(0) };
      // z0 = 1; m = N(1.5, 0.25); e_targ(s1) = N(4, 1): KL = ln 4 + (0.0625 + 6.25) / 2 - 0.5.
      const kl = Math.log(4) + (0.0625 + 6.25) / 2 - 0.5;
      // r(z0, a0) = 1 + 2 * 0.5 = 2; z1 = 1.5, pi(z1) = 0.75, min(1.5 + 0.75, 3) = 2.25.
      expect(scalar(lowerBoundLoss(toy, batch, o))).toBeCloseTo(-(2 - kl + 2.25), 5);
      expect(scalar(lowerBoundLoss(toy, batch, { ...o, klTerm: false }))).toBeCloseTo(-4.25, 5);
      expect(scalar(lowerBoundLoss(toy, batch, { ...o, valueTerm: false }))).toBeCloseTo(
        -(2 - kl),
        5,
      );
      expect(scalar(lowerBoundLoss(toy, batch, { ...o, discount: true }))).toBeCloseTo(
        -(2 - kl + 0.5 * 2.25),
        5,
      );
    });
  });

  it('lower bound (ALM eq. 7), K = 3 with noise, equals the formula computed in plain JS', () => {
    const states = [
      [0.2, -0.4],
      [0.5, 0.1],
      [0.3, 0.9],
      [-0.2, 0.4],
    ]; // [K+1, N]
    const actions = [
      [0.1, -0.3],
      [0.6, 0.2],
      [-0.5, 0.4],
    ]; // [K, N]
    const eps = 0.7;
    let expected = 0;
    for (let n = 0; n < 2; n++) {
      let z = (states[0]?.[n] as number) + 0.5 * eps;
      let objective = 0;
      for (let i = 0; i < 3; i++) {
        const a = actions[i]?.[n] as number;
        const m = js.model(z, a);
        objective +=
          0.5 ** i * (js.reward(z, a) - js.kl(m, js.target(states[i + 1]?.[n] as number)));
        z = m.mean + m.std * eps;
      }
      objective += 0.5 ** 3 * js.q(z, js.policy(z, eps, 0.2, 0.3));
      expected -= objective / 2;
    }
    tf.tidy(() => {
      const batch = {
        states: tf.tensor3d(states.map((row) => row.map((x) => [x]))),
        actions: tf.tensor3d(actions.map((row) => row.map((x) => [x]))),
      };
      const loss = lowerBoundLoss(toy, batch, {
        ...base,
        discount: true,
        noise: constantNoise(eps),
      });
      expect(scalar(loss)).toBeCloseTo(expected, 4);
      expect(() =>
        lowerBoundLoss(
          toy,
          { states: batch.states, actions: tf.zeros([2, 2, 1]) },
          {
            ...base,
            noise: constantNoise(0),
          },
        ),
      ).toThrow(/states must be \[K \+ 1 = 3, N = 2, S\]/);
    });
  });

  it('policy objective (ALM eq. 8): classifier reward c * logit, lambda-weighted over lengths 1..K', () => {
    const o = {
      horizon: 1,
      gamma: 0.5,
      lambda: 0.5,
      classifierRewardScale: 0.1,
      valueTerm: true,
      std: 0.2,
      clip: 0.3,
    };
    tf.tidy(() => {
      // z0 = 1, a0 = 0.5, z1 = 1.5, a1 = 0.75; r0 = 2 + 0.1 * (1.5 - 1 + 0.5) = 2.1;
      // v1 = min(2.25, 3) = 2.25; R0 = 2.1 + 0.5 * 2.25 = 3.225.
      const z0 = col([1]);
      expect(scalar(policyLoss(toy, z0, { ...o, noise: constantNoise(0) }))).toBeCloseTo(-3.225, 5);
      const noC = { ...o, classifierRewardScale: 0, noise: constantNoise(0) };
      expect(scalar(policyLoss(toy, z0, noC))).toBeCloseTo(-3.125, 5);
      const noV = { ...o, valueTerm: false, noise: constantNoise(0) };
      expect(scalar(policyLoss(toy, z0, noV))).toBeCloseTo(-2.1, 5);
    });
    // K = 3 with noise against plain JS: rollout, rewards, values, lambda-return, gamma^i weights.
    const eps = -0.9;
    const starts = [0.4, -0.6];
    let expected = 0;
    for (const start of starts) {
      const zs = [start];
      const as: number[] = [];
      for (let i = 0; i <= 3; i++) {
        as.push(js.policy(zs[i] as number, eps, 0.2, 0.3));
        if (i < 3) {
          const m = js.model(zs[i] as number, as[i] as number);
          zs.push(m.mean + m.std * eps);
        }
      }
      const r = [0, 1, 2].map((i) => {
        const [z, a] = [zs[i] as number, as[i] as number];
        return js.reward(z, a) + 0.1 * js.logit(z, a, zs[i + 1] as number);
      });
      const v = zs.map((z, i) => js.q(z, as[i] as number));
      const returns = [0, 0, 0];
      let next = v[3] as number;
      for (let i = 2; i >= 0; i--) {
        next = (r[i] as number) + 0.5 * ((1 - 0.5) * (v[i + 1] as number) + 0.5 * next);
        returns[i] = next;
      }
      returns.forEach((ret, i) => {
        expected -= (0.5 ** i * ret) / (3 * starts.length);
      });
    }
    tf.tidy(() => {
      const loss = policyLoss(toy, col(starts), { ...o, horizon: 3, noise: constantNoise(eps) });
      expect(scalar(loss)).toBeCloseTo(expected, 4);
    });
  });

  it('classifier cross-entropy (ALM eq. 9), TD (ALM eq. 10) and reward MSE (ALM eq. 11) by hand', () => {
    tf.tidy(() => {
      // real logit = 1 - 0 + 0 = 1, fake = -1: 1/2 (softplus(-1) + softplus(-1)).
      const c = classifierLoss(toy, {
        z: col([0]),
        actions: col([0]),
        zNext: col([1]),
        zNextModel: col([-1]),
      });
      expect(scalar(c)).toBeCloseTo(Math.log(1 + Math.exp(-1)), 5);
      // z' = 2, pi(z') = 1 -> clamped to 1 - 1e-6; min(2 - 1, 3) = 1; y = 1 + 0.5 * 1 = 1.5;
      // Q1(1, 0.5) = 1.5, Q2 = 2: 1/2 (0 + 0.25). A terminal (d = 0) gives y = 1: 1/2 (0.25 + 1).
      const b = { z: col([1]), actions: col([0.5]), rewards: tf.tensor1d([1]), zNext: col([2]) };
      const o = { gamma: 0.5, std: 0.2, clip: 0.3, noise: constantNoise(0) };
      expect(scalar(tdLoss(toy, { ...b, discounts: tf.tensor1d([1]) }, o))).toBeCloseTo(0.125, 5);
      expect(scalar(tdLoss(toy, { ...b, discounts: tf.tensor1d([0]) }, o))).toBeCloseTo(0.625, 5);
      // Target-policy smoothing: eps = -1, std 1 -> noise clipped to -0.3: a' = 0.7,
      // min(1.3, 3) = 1.3, y = 1.65: 1/2 ((1.5 - 1.65)^2 + (2 - 1.65)^2).
      const smoothed = tdLoss(
        toy,
        { ...b, discounts: tf.tensor1d([1]) },
        {
          ...o,
          std: 1,
          noise: constantNoise(-1),
        },
      );
      expect(scalar(smoothed)).toBeCloseTo(0.5 * (0.15 ** 2 + 0.35 ** 2), 5);
      // r(1, 0.5) = 2 vs 1, r(0, -1) = -2 vs 0: mean of 1 and 4.
      const rl = rewardLoss(toy, {
        z: col([1, 0]),
        actions: col([0.5, -1]),
        rewards: tf.tensor1d([1, 0]),
      });
      expect(scalar(rl)).toBeCloseTo(2.5, 5);
    });
  });

  it('model-free actor loss and the clipped, clamped exploration noise', () => {
    tf.tidy(() => {
      const z = col([1]);
      const o = { std: 0.2, clip: 0.3 };
      expect(scalar(modelFreeActorLoss(toy, z, { ...o, noise: constantNoise(0) }))).toBeCloseTo(
        -1.5,
        5,
      );
      // std * eps = 0.2 (inside the clip): a = 0.7, min(1.7, 2).
      expect(scalar(modelFreeActorLoss(toy, z, { ...o, noise: constantNoise(1) }))).toBeCloseTo(
        -1.7,
        5,
      );
      // std * eps = 1 is clipped to 0.3: a = 0.8.
      const clipped = modelFreeActorLoss(toy, z, { std: 1, clip: 0.3, noise: constantNoise(1) });
      expect(scalar(clipped)).toBeCloseTo(-1.8, 5);
      // pi(4) = 2 is clamped to 1 - 1e-6 but the gradient passes straight through (0.5).
      const p = { std: 0.1, clip: 0.3, noise: constantNoise(0) };
      expect(scalar(noisyPolicy(toy, col([4]), p))).toBeCloseTo(1, 5);
      const grad = tf.grad((x: tf.Tensor) => tf.sum(noisyPolicy(toy, x, p)))(col([4]));
      expect(scalar(grad)).toBeCloseTo(0.5, 6);
    });
  });
});
