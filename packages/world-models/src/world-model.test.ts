import { initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelVariant, WorldModelConfig } from './config.js';
import { LatentDynamics, latentSequenceScorer } from './dynamics.js';
import { disposeState, lastStep } from './latent.js';
import { randomBatch } from './test-batch.js';
import { LatentWorldModel } from './world-model.js';

const A = 2;
const B = 2;
const L = 4;

beforeAll(async () => {
  await initBackend();
});

function debugModel(overrides: Partial<WorldModelConfig> = {}, seed = 1): LatentWorldModel {
  return LatentWorldModel.fromPreset('debug', { actionDim: A, seed }, overrides);
}

const VARIANTS: ModelVariant[] = ['rssm', 'ssm', 'rnn'];

describe('LatentWorldModel shapes', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: observe, imagine, decode and predictReward have the documented shapes`, () => {
      const model = debugModel({ variant });
      const { stochSize: S, deterSize: D } = model.config;
      const F = variant === 'ssm' ? S : D + S;
      expect(model.featureSize).toBe(F);
      const observed = model.observe(randomBatch(B, L, A, 3));
      expect(observed.posteriors.stoch.shape).toEqual([B, L, S]);
      expect(observed.priors.std.shape).toEqual([B, L, S]);
      expect(observed.features.shape).toEqual([B, L, F]);
      if (variant === 'ssm') expect(observed.posteriors.deter).toBeNull();
      else expect(observed.posteriors.deter?.shape).toEqual([B, L, D]);
      // Standard deviations respect the minimum (softplus + 0.1).
      expect(tf.min(observed.priors.std).dataSync()[0]).toBeGreaterThanOrEqual(0.1);

      const start = lastStep(observed.posteriors);
      const H = 3;
      const actions = tf.randomUniform([B, H, A], -1, 1) as tf.Tensor3D;
      const rollout = model.imagine(start, actions, H);
      expect(rollout.features.shape).toEqual([B, H, F]);
      expect(rollout.states.mean.shape).toEqual([B, H, S]);
      const byPolicy = model.imagine(
        start,
        (f, k) => tf.fill([f.shape[0], A], k / 10) as tf.Tensor2D,
        H,
      );
      expect(byPolicy.actions.arraySync()[1]?.[2]).toEqual([0.2, 0.2].map((v) => Math.fround(v)));

      const flat = tf.reshape(rollout.features, [B * H, F]) as tf.Tensor2D;
      expect(model.decode(flat).shape).toEqual([B * H, 64, 64, 3]);
      expect(model.predictReward(flat).shape).toEqual([B * H]);
    });
  }

  it('rnn transitions are deterministic: the sample is the mean', () => {
    const model = debugModel({ variant: 'rnn' });
    const observed = model.observe(randomBatch(B, L, A, 3));
    const diff = tf.max(tf.abs(tf.sub(observed.posteriors.stoch, observed.posteriors.mean)));
    expect(diff.dataSync()[0]).toBe(0);
  });

  it('rejects a malformed batch with the field and expected size', () => {
    const model = debugModel();
    const batch = randomBatch(B, L, A, 3);
    expect(() => model.observe({ ...batch, reward: new Float32Array(3) })).toThrow(
      /reward: has 3 values, expected 8/,
    );
    expect(() => model.observe({ ...batch, action: new Float32Array(5) })).toThrow(/action/);
  });
});

describe('gradients', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: every trainable variable gets a non-zero gradient`, () => {
      // No free nats, so the KL always trains the prior.
      const model = debugModel({ variant, freeNats: 0 });
      const batch = randomBatch(B, L, A, 5);
      const vars = model.trainableVariables();
      expect(vars.length).toBe(model.namedVariables().size);
      const { grads } = tf.variableGrads(() => model.loss(batch).total, vars);
      for (const v of vars) {
        const g = grads[v.name];
        expect(g, `gradient of ${v.name}`).toBeDefined();
        const norm = tf.sum(tf.abs(g as tf.Tensor)).dataSync()[0] as number;
        expect(norm, `|grad| of ${v.name}`).toBeGreaterThan(0);
      }
      tf.dispose(grads);
    });
  }
});

describe('training step', () => {
  it('returns finite logged terms and keeps the tensor count flat', () => {
    const model = debugModel({ overshooting: { distance: 2 } });
    const batch = randomBatch(B, L, A, 9);
    const first = model.trainStep(batch);
    for (const key of ['loss', 'gradNorm', 'image', 'reward', 'kl', 'klRaw', 'kl_d1', 'kl_d2']) {
      expect(Number.isFinite(first[key]), key).toBe(true);
    }
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i += 1) model.trainStep(batch);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('observe, imagine and the dynamics view leave no tensors behind once disposed', () => {
    const model = debugModel();
    const dynamics = new LatentDynamics(model);
    const batch = randomBatch(1, L, A, 11);
    const before = tf.memory().numTensors;
    const observed = model.observe(batch);
    const belief = lastStep(observed.posteriors);
    let states = dynamics.initial(belief, 5);
    for (let k = 0; k < 3; k += 1) {
      const next = dynamics.step(states, new Float32Array(5 * A).fill(0.5));
      dynamics.dispose(states);
      states = next;
    }
    const rewards = dynamics.reward(states);
    expect(rewards).toBeInstanceOf(Float32Array);
    expect(rewards.length).toBe(5);
    dynamics.dispose(states);
    disposeState(belief);
    disposeState(observed.posteriors);
    disposeState(observed.priors);
    observed.features.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('planning views', () => {
  it('the sequence scorer equals summing rewards along Dynamics steps (deterministic rnn)', () => {
    const model = debugModel({ variant: 'rnn', bitDepth: 8 });
    const observed = model.observe(randomBatch(1, L, A, 23));
    const belief = lastStep(observed.posteriors);
    const J = 4;
    const H = 3;
    const actions = Float32Array.from({ length: J * H * A }, (_, i) => Math.sin(i));
    const before = tf.memory().numTensors;
    const scored = latentSequenceScorer(model, belief).score(actions, J, H);
    expect(tf.memory().numTensors).toBe(before);
    const dynamics = new LatentDynamics(model);
    const expected = new Float32Array(J);
    let states = dynamics.initial(belief, J);
    for (let t = 0; t < H; t += 1) {
      const step = new Float32Array(J * A);
      for (let j = 0; j < J; j += 1) {
        step.set(actions.subarray((j * H + t) * A, (j * H + t + 1) * A), j * A);
      }
      const next = dynamics.step(states, step);
      dynamics.dispose(states);
      states = next;
      dynamics.reward(states).forEach((r, j) => {
        expected[j] = (expected[j] as number) + r;
      });
    }
    dynamics.dispose(states);
    for (let j = 0; j < J; j += 1) expect(scored[j]).toBeCloseTo(expected[j] as number, 4);
  });
});

describe('gradient accumulation', () => {
  it('splitting a batch into groups of sequences gives the same step as one pass', () => {
    // rnn + 8-bit input: nothing random, so both paths must agree to rounding.
    const overrides = { variant: 'rnn' as const, bitDepth: 8, overshooting: { distance: 2 } };
    const whole = LatentWorldModel.fromPreset('debug', { actionDim: A, seed: 5 }, overrides);
    const split = LatentWorldModel.fromPreset(
      'debug',
      { actionDim: A, seed: 5, maxFramesPerPass: 2 * L },
      overrides,
    );
    const batch = randomBatch(3, L, A, 17); // groups of 2 and 1 sequences
    const a = whole.trainStep(batch);
    const created = tf.memory().numTensors;
    const b = split.trainStep(batch);
    // The first step adds only Adam's two moment slots per variable.
    expect(tf.memory().numTensors - created).toBe(2 * split.trainableVariables().length);
    for (const key of ['loss', 'gradNorm', 'image', 'reward', 'kl', 'kl_d2']) {
      expect(b[key], key).toBeCloseTo(a[key] as number, 2);
    }
    const wholeVars = whole.namedVariables();
    for (const [name, v] of split.namedVariables()) {
      const diff = tf.max(tf.abs(tf.sub(v, wholeVars.get(name) as tf.Variable))).dataSync()[0];
      expect(diff, name).toBeLessThan(1e-5);
    }
    const before = tf.memory().numTensors;
    split.trainStep(batch);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('learning-rate warm-up (lrWarmup)', () => {
  it("the first update moves every weight by 1/lrWarmup of the plain update's step", () => {
    // Adam's step is linear in the warmed-up rate: update 1 of 4 uses a quarter of lr. The rnn
    // variant with 8-bit input draws nothing, so both models see the same gradients.
    const overrides = { variant: 'rnn' as const, bitDepth: 8 };
    const plain = debugModel(overrides, 9);
    const warm = debugModel({ ...overrides, lrWarmup: 4 }, 9);
    const start = new Map([...plain.namedVariables()].map(([name, v]) => [name, v.clone()]));
    const batch = randomBatch(B, L, A, 3);
    plain.trainStep(batch);
    warm.trainStep(batch);
    const warmVars = warm.namedVariables();
    let checked = 0;
    for (const [name, v] of plain.namedVariables()) {
      const before = start.get(name) as tf.Tensor;
      const [plainStep, warmStep] = tf.tidy(() => [
        tf.sum(tf.abs(tf.sub(v, before))).dataSync()[0] as number,
        tf.sum(tf.abs(tf.sub(warmVars.get(name) as tf.Variable, before))).dataSync()[0] as number,
      ]);
      if (plainStep === 0) continue;
      expect(warmStep / plainStep, name).toBeCloseTo(0.25, 3);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    for (const t of start.values()) t.dispose();
    expect(() => debugModel({ lrWarmup: 2.5 })).toThrow(
      /lrWarmup = 2.5 is invalid; allowed: an integer >= 0/,
    );
  });
});

describe('checkpoints', () => {
  it('save then load into a differently seeded model reproduces the next training step', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = join(mkdtempSync(join(tmpdir(), 'wm-ckpt-')), 'checkpoint');
    const batch = randomBatch(B, L, A, 13);
    const original = debugModel({}, 1);
    original.trainStep(batch);
    await original.save(dir);
    const restored = debugModel({}, 99);
    await restored.load(dir);
    expect(restored.optimizer.iterations).toBe(1);
    const a = original.trainStep(batch);
    const b = restored.trainStep(batch);
    expect(b.loss).toBe(a.loss);
    expect(b.gradNorm).toBe(a.gradNorm);
    const other = debugModel({ stochSize: 5 }, 1);
    await expect(other.load(dir)).rejects.toThrow(/shape|config/);
  });
});
