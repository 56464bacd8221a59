import { beforeAll, describe, expect, it } from 'vitest';
import { Bernoulli, Normal, TanhNormal, initBackend, klNormal, stopGradient, tf } from './index.js';

const LOG_2PI_HALF = 0.5 * Math.log(2 * Math.PI);

function values(t: tf.Tensor): number[] {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

describe('distributions', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });

  it('Normal.logProb and entropy match the closed forms', () => {
    tf.tidy(() => {
      const p = new Normal(tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 2]]));
      // log N(0;0,1) + log N(1;1,2) = -log(2pi)/2 + (-log 2 - log(2pi)/2)
      const expected = -2 * LOG_2PI_HALF - Math.log(2);
      expect(values(p.logProb(tf.tensor2d([[0, 1]])))[0]).toBeCloseTo(expected, 5);
      // x = (1, 5): z = (1, 2) -> -(1 + 4)/2 - log 2 - log(2pi)
      expect(values(p.logProb(tf.tensor2d([[1, 5]])))[0]).toBeCloseTo(
        -2.5 - Math.log(2) - 2 * LOG_2PI_HALF,
        5,
      );
      // entropy: sum 0.5 + log(2pi)/2 + log std
      expect(values(p.entropy())[0]).toBeCloseTo(1 + 2 * LOG_2PI_HALF + Math.log(2), 5);
      expect(values(p.mode())).toEqual([0, 1]);
    });
  });

  it('klNormal(N(0,1) || N(1,2)) = log 2 + (1 + 1)/8 - 1/2 per dim, summed', () => {
    tf.tidy(() => {
      const p = new Normal(tf.zeros([3, 2]), tf.ones([3, 2]));
      const q = new Normal(tf.ones([3, 2]), tf.fill([3, 2], 2));
      const perDim = Math.log(2) + 2 / 8 - 0.5;
      const kl = values(klNormal(p, q));
      expect(kl).toHaveLength(3);
      for (const k of kl) expect(k).toBeCloseTo(2 * perDim, 5);
      for (const k of values(klNormal(p, p))) expect(k).toBeCloseTo(0, 6);
    });
  });

  it('Normal.rsample is reparameterised (d sample / d mean = 1, d / d std = eps) and seeded', () => {
    tf.tidy(() => {
      const mean = tf.tensor1d([0.5, -1]);
      const std = tf.tensor1d([2, 0.5]);
      const sample = new Normal(mean, std).rsample(123);
      const again = new Normal(mean, std).rsample(123);
      expect(values(again)).toEqual(Array.from(sample.dataSync()));
      const [dMean, dStd] = tf.grads((m: tf.Tensor, s: tf.Tensor) =>
        tf.sum(new Normal(m, s).rsample(123)),
      )([mean, std]);
      expect(values(dMean as tf.Tensor)).toEqual([1, 1]);
      const eps = values(tf.div(tf.sub(sample, mean), std));
      const dStdValues = values(dStd as tf.Tensor);
      dStdValues.forEach((d, i) => expect(d).toBeCloseTo(eps[i] as number, 5));
      const sampled = tf.grad((m: tf.Tensor) => tf.sum(new Normal(m, std).sample(1)))(mean);
      expect(values(sampled)).toEqual([0, 0]);
    });
  });

  it('TanhNormal.logProb = base log-prob minus sum log(1 - y^2), and integrates to the CDF', () => {
    tf.tidy(() => {
      const d = new TanhNormal(tf.tensor2d([[0.3]]), tf.tensor2d([[0.8]]));
      const y = 0.5;
      const u = Math.atanh(y);
      const base = -0.5 * ((u - 0.3) / 0.8) ** 2 - Math.log(0.8) - LOG_2PI_HALF;
      const expected = base - Math.log(1 - y * y);
      expect(values(d.logProb(tf.tensor2d([[y]])))[0]).toBeCloseTo(expected, 5);
      // Independent check: density = d/dy Phi((atanh(y) - mu) / sigma) by central differences.
      const cdf = (v: number) => normalCdf((Math.atanh(v) - 0.3) / 0.8);
      const h = 1e-4;
      const density = (cdf(y + h) - cdf(y - h)) / (2 * h);
      expect(Math.exp(values(d.logProb(tf.tensor2d([[y]])))[0] as number)).toBeCloseTo(density, 4);
      expect(values(d.mode())[0]).toBeCloseTo(Math.tanh(0.3), 6);
      const { sample, logProb } = d.rsampleWithLogProb(5);
      expect(values(logProb)[0]).toBeCloseTo(values(d.logProb(sample))[0] as number, 3);
    });
  });

  it('Bernoulli log-probabilities, mode and sample frequencies follow the logits', () => {
    tf.tidy(() => {
      const b = new Bernoulli(tf.tensor2d([[0, 2]]));
      // log sigmoid(0) + log(1 - sigmoid(2))
      const expected = Math.log(0.5) + Math.log(1 - 1 / (1 + Math.exp(-2)));
      expect(values(b.logProb(tf.tensor2d([[1, 0]])))[0]).toBeCloseTo(expected, 5);
      expect(values(b.mode())).toEqual([0, 1]);
      const many = new Bernoulli(tf.fill([4000, 1], Math.log(3))); // p = 0.75
      const rate = values(tf.mean(many.sample(11)))[0] as number;
      expect(Math.abs(rate - 0.75)).toBeLessThan(0.03);
    });
  });

  it('stopGradient passes values and blocks gradients', () => {
    tf.tidy(() => {
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.add(tf.mul(x, 3), stopGradient(tf.square(x)))))(
        tf.tensor1d([2]),
      );
      expect(values(g)).toEqual([3]);
    });
  });
});

/** Standard normal CDF through erf (Abramowitz-Stegun 7.1.26 is too coarse; use a series). */
function normalCdf(z: number): number {
  // erf by its Taylor series, accurate to ~1e-12 for |x| < 3.
  const x = z / Math.SQRT2;
  let term = x;
  let sum = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return 0.5 * (1 + (2 / Math.sqrt(Math.PI)) * sum);
}
