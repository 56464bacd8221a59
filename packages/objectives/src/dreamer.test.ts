import { Normal, initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { DreamerBehaviour, type Imagine } from './dreamer-behaviour.js';
import { actorLoss, contrastiveLoss, valueLoss } from './dreamer-losses.js';
import { ActionModel, ValueModel } from './dreamer-models.js';
import { constantNoise } from './noise.js';

function values(t: tf.Tensor): number[] {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

function snapshot(vars: Iterable<tf.Variable>): Float32Array[] {
  return [...vars].map((v) => v.dataSync().slice() as Float32Array);
}

function maxChange(before: Float32Array[], vars: Iterable<tf.Variable>): number {
  let max = 0;
  [...vars].forEach((v, i) => {
    const now = v.dataSync();
    const old = before[i] as Float32Array;
    for (let j = 0; j < now.length; j++)
      max = Math.max(max, Math.abs((now[j] as number) - (old[j] as number)));
  });
  return max;
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return 0.5 * (1 + (x >= 0 ? erf : -erf));
}

describe('Dreamer action and value models', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });

  it('scales the mean by 5 tanh(x / 5) and starts the std at softplus(softplus^-1(5)) + 1e-4', () => {
    const actor = new ActionModel(4, 2, { seed: 3 });
    const out = actor.net.layers[actor.net.layers.length - 1];
    tf.tidy(() => {
      out?.kernel.assign(tf.zerosLike(out.kernel));
      out?.bias.assign(
        tf.tensor1d([100, -1, 0, Math.log(Math.expm1(1)) - Math.log(Math.expm1(5))]),
      );
      const dist = actor.distribution(tf.ones([3, 4]));
      const mean = values(dist.base.mean);
      expect(mean[0]).toBeCloseTo(5 * Math.tanh(20), 5);
      expect(mean[1]).toBeCloseTo(5 * Math.tanh(-0.2), 5);
      const std = values(dist.base.std);
      expect(std[0]).toBeCloseTo(5 + 1e-4, 4); // raw 0 -> init std
      expect(std[1]).toBeCloseTo(1 + 1e-4, 4); // raw chosen so that softplus gives 1
      // sample with eps = 1: tanh(mean + std); mode: tanh(mean).
      expect(values(actor.sample(tf.ones([1, 4]), constantNoise(1)))[1]).toBeCloseTo(
        Math.tanh(5 * Math.tanh(-0.2) + 1 + 1e-4),
        5,
      );
      expect(values(actor.mode(tf.ones([1, 4])))[1]).toBeCloseTo(Math.tanh(5 * Math.tanh(-0.2)), 5);
    });
    expect(actor.net.layers.map((l) => l.outDim)).toEqual([300, 300, 300, 4]);
    expect(actor.net.layers[0]?.activation).toBe('elu');
    actor.dispose();
  });

  it("the action model's log-probability matches a numerical change of variables", () => {
    const actor = new ActionModel(3, 2, { seed: 5, hidden: [16, 16] });
    tf.tidy(() => {
      const features = tf.tensor2d([[0.3, -0.2, 0.8]]);
      const dist = actor.distribution(features);
      const mean = values(dist.base.mean.clone());
      const std = values(dist.base.std.clone());
      const action = [0.4, -0.7];
      const logProb = values(dist.logProb(tf.tensor2d([action])))[0] as number;
      // p(y) = prod_i d/dy Phi((atanh(y_i) - mu_i) / sigma_i), by central differences.
      const h = 1e-4;
      let density = 1;
      action.forEach((y, i) => {
        const cdf = (x: number) =>
          normalCdf((Math.atanh(x) - (mean[i] as number)) / (std[i] as number));
        density *= (cdf(y + h) - cdf(y - h)) / (2 * h);
      });
      expect(logProb).toBeCloseTo(Math.log(density), 3);
    });
    actor.dispose();
  });

  it('the value model maps [H, N, F] to [H, N] through 3 x 300 ELU layers', () => {
    const value = new ValueModel(5, { seed: 1 });
    tf.tidy(() => {
      expect(value.apply(tf.ones([4, 2, 5])).shape).toEqual([4, 2]);
    });
    expect(value.net.layers.map((l) => l.outDim)).toEqual([300, 300, 300, 1]);
    value.dispose();
  });
});

describe('Dreamer losses', () => {
  it('actor loss = -mean(V) (optionally weighted); value loss = mean 1/2 (v - sg(V))^2', () => {
    tf.tidy(() => {
      const returns = tf.tensor2d([
        [1, 2],
        [3, 4],
      ]);
      expect(values(actorLoss(returns))[0]).toBeCloseTo(-2.5, 6);
      const weights = tf.tensor2d([
        [1, 1],
        [0.5, 0.5],
      ]);
      expect(values(actorLoss(returns, weights))[0]).toBeCloseTo(-(1 + 2 + 1.5 + 2) / 4, 6);
      const v = tf.tensor1d([1, 2]);
      const target = tf.tensor1d([0, 4]);
      expect(values(valueLoss(v, target))[0]).toBeCloseTo((0.5 * 1 + 0.5 * 4) / 2, 6);
      // d/dv = (v - t) / 2; no gradient to the target.
      const [dv, dt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => valueLoss(a, b))([v, target]);
      expect(values(dv as tf.Tensor)).toEqual([0.5, -1]);
      expect(values(dt as tf.Tensor)).toEqual([0, 0]);
    });
  });

  it('the contrastive loss is InfoNCE over the batch (Dreamer eq. 12), computed by hand', () => {
    tf.tidy(() => {
      const states = tf.tensor2d([[0], [1], [3]]);
      const means = [0.5, 1, 2];
      const stds = [1, 2, 0.5];
      const loss = values(
        contrastiveLoss(states, new Normal(tf.tensor2d(means, [3, 1]), tf.tensor2d(stds, [3, 1]))),
      )[0];
      const logq = (s: number, j: number) =>
        -0.5 * ((s - (means[j] as number)) / (stds[j] as number)) ** 2 -
        Math.log(stds[j] as number) -
        0.5 * Math.log(2 * Math.PI);
      let expected = 0;
      [0, 1, 3].forEach((s, i) => {
        const denominator = Math.log([0, 1, 2].reduce((acc, j) => acc + Math.exp(logq(s, j)), 0));
        expected -= (logq(s, i) - denominator) / 3;
      });
      expect(loss).toBeCloseTo(expected, 5);
    });
  });
});

describe('DreamerBehaviour.update', () => {
  /** A toy differentiable world model: s' = tanh(s + a W) with a frozen variable W, r = sum(s). */
  function toyWorld(horizon: number) {
    const frozen = tf.variable(
      tf.tensor2d([
        [0.5, -0.3, 0.2],
        [0.1, 0.4, -0.6],
      ]),
      true,
    );
    const start = tf.tensor2d([
      [0.1, 0.2, -0.1],
      [0, -0.5, 0.3],
      [0.2, 0.2, 0.2],
      [-0.3, 0, 0.1],
    ]);
    const imagine: Imagine = (policy) => {
      const features: tf.Tensor[] = [];
      let s: tf.Tensor = start;
      for (let t = 0; t < horizon; t++) {
        s = tf.tanh(tf.add(s, tf.matMul(policy(s), frozen)));
        features.push(s);
      }
      const stacked = tf.stack(features);
      return { features: stacked, rewards: tf.sum(stacked, -1) };
    };
    return { frozen, start, imagine };
  }

  it('changes the actor and value, leaves the world-model variable unchanged, and keeps numTensors flat', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const { frozen, start, imagine } = toyWorld(5);
    const behaviour = new DreamerBehaviour(3, 2, {
      seed: 7,
      actor: { hidden: [32, 32] },
      value: { hidden: [32, 32] },
      targetUpdateEvery: 2,
      actorLr: 1e-3,
      valueLr: 1e-3,
    });
    const frozenBefore = snapshot([frozen]);
    const actorBefore = snapshot(behaviour.actor.trainableVariables());
    const valueBefore = snapshot(behaviour.value.trainableVariables());
    const first = behaviour.update(imagine);
    expect(maxChange(frozenBefore, [frozen])).toBe(0);
    expect(maxChange(actorBefore, behaviour.actor.trainableVariables())).toBeGreaterThan(1e-5);
    expect(maxChange(valueBefore, behaviour.value.trainableVariables())).toBeGreaterThan(1e-5);
    // The actor sees stop-gradient features, so its gradient came through the dynamics.
    expect(first.actorGradNorm).toBeGreaterThan(0);
    expect(Number.isFinite(first.valueLoss)).toBe(true);
    expect(first.actorEntropy).toBeNaN(); // no entropy bonus by default (the paper's loss)
    // The slow value copy moves only on every 2nd update, then equals the value network.
    const target = behaviour.targetValue?.target as ValueModel;
    expect(maxChange(valueBefore, target.trainableVariables())).toBe(0);
    behaviour.update(imagine);
    expect(
      maxChange(snapshot(behaviour.value.trainableVariables()), target.trainableVariables()),
    ).toBe(0);
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) behaviour.update(imagine);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(maxChange(frozenBefore, [frozen])).toBe(0);
    behaviour.dispose();
    frozen.dispose();
    start.dispose();
  });

  it('maximising V_lambda raises the imagined return on the toy world', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const { frozen, start, imagine } = toyWorld(4);
    const behaviour = new DreamerBehaviour(3, 2, {
      seed: 1,
      actor: { hidden: [32, 32] },
      value: { hidden: [32, 32] },
      actorLr: 3e-3,
      valueLr: 3e-3,
    });
    const first = behaviour.update(imagine).meanReward;
    let last = first;
    for (let i = 0; i < 40; i++) last = behaviour.update(imagine).meanReward;
    expect(last).toBeGreaterThan(first + 0.1);
    behaviour.dispose();
    frozen.dispose();
    start.dispose();
  });

  it('the entropy bonus: loss = -mean(V) - eta * entropy, and alone it widens the action model', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const { frozen, start } = toyWorld(3);
    // Rewards that ignore the actions: only the entropy term can move the actor.
    const imagine: Imagine = (policy) => {
      const features: tf.Tensor[] = [];
      let s: tf.Tensor = start;
      for (let t = 0; t < 3; t++) {
        policy(s);
        s = tf.tanh(tf.add(s, 0.1));
        features.push(s);
      }
      const stacked = tf.stack(features);
      return { features: stacked, rewards: tf.sum(stacked, -1) };
    };
    const options = { seed: 2, actor: { hidden: [16] }, value: { hidden: [16] }, actorLr: 1e-2 };
    // Without the bonus nothing connects the loss to the actor: one clear message.
    const plain = new DreamerBehaviour(3, 2, options);
    expect(() => plain.update(imagine)).toThrow(
      /value estimates do not depend on the action model's variables/,
    );
    plain.dispose();
    const eta = 0.1;
    const withBonus = new DreamerBehaviour(3, 2, { ...options, entropyScale: eta });
    const before = withBonus.update(imagine);
    expect(before.actorGradNorm).toBeGreaterThan(0);
    expect(before.actorLoss).toBeCloseTo(-before.meanReturn - eta * before.actorEntropy, 5);
    const tensors = tf.memory().numTensors;
    let after = before;
    for (let i = 0; i < 30; i++) after = withBonus.update(imagine);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(after.actorEntropy).toBeGreaterThan(before.actorEntropy + 0.05);
    withBonus.dispose();
    frozen.dispose();
    start.dispose();
  });

  it("V_R ('reward') trains only the actor; bad trajectories give clear errors", async () => {
    await initBackend({ backend: 'wasm', log: false });
    const { frozen, start, imagine } = toyWorld(3);
    const behaviour = new DreamerBehaviour(3, 2, {
      valueEstimate: 'reward',
      actor: { hidden: [8] },
      value: { hidden: [8] },
    });
    const valueBefore = snapshot(behaviour.value.trainableVariables());
    const metrics = behaviour.update(imagine);
    expect(Number.isNaN(metrics.valueLoss)).toBe(true);
    expect(maxChange(valueBefore, behaviour.value.trainableVariables())).toBe(0);
    expect(() =>
      behaviour.update(() => ({ features: tf.zeros([3, 4, 5]), rewards: tf.zeros([3, 4]) })),
    ).toThrow(/features \[H, N, 3\]/);
    expect(() =>
      behaviour.update((policy) => {
        const f = tf.stack([policy(start).slice([0, 0], [4, 1]).tile([1, 3])]);
        return { features: f, rewards: tf.zeros([2, 4]) };
      }),
    ).toThrow(/rewards must be \[1,4\]/);
    expect(() => new DreamerBehaviour(3, 2, { valueEstimate: { nStep: 0 } })).toThrow(/nStep/);
    behaviour.dispose();
    frozen.dispose();
    start.dispose();
  });
});
