import { initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorldModelConfig } from './config.js';
import { freeNatsKl, stateKl } from './free-nats.js';
import { imageLoss } from './image-loss.js';
import { mapState } from './latent.js';
import { decodedSteps } from './loss.js';
import { randomBatch } from './test-batch.js';
import type { LatentState } from './types.js';
import { LatentWorldModel } from './world-model.js';

const A = 2;

beforeAll(async () => {
  await initBackend();
});

function model(overrides: Partial<WorldModelConfig>, seed = 2): LatentWorldModel {
  return LatentWorldModel.fromPreset('debug', { actionDim: A, seed }, overrides);
}

function lossValues(m: LatentWorldModel, batch: ReturnType<typeof randomBatch>) {
  const { total, terms } = m.loss(batch);
  const out: Record<string, number> = { total: total.dataSync()[0] as number };
  for (const [k, v] of Object.entries(terms)) out[k] = v.dataSync()[0] as number;
  tf.dispose([total, ...Object.values(terms)]);
  return out;
}

describe('loss', () => {
  const batch = randomBatch(2, 5, A, 21);

  it('overshooting with D = 1 equals the plain loss of PlaNet eq. 3 computed from the parts', () => {
    const m = model({ overshooting: { distance: 1 }, freeNats: 1 });
    const rngState = m.getRngState();
    const got = lossValues(m, batch);
    m.setRngState(rngState);
    const expected = tf.tidy(() => {
      const { images, actions, rewards } = m.toTensors(batch, true);
      const observed = m.observeTensors(images, actions);
      const features = tf.reshape(observed.features, [10, -1]) as tf.Tensor2D;
      const image = imageLoss(m.decode(features), tf.reshape(images, [10, 64, 64, 3]), {
        kind: 'full',
      });
      const reward = tf.mean(
        tf.square(tf.sub(m.predictReward(features), tf.reshape(rewards, [-1]))),
      );
      const kl = freeNatsKl(stateKl(observed.posteriors, observed.priors), 1, 'clampPerStep');
      return [image, reward, kl].map((x) => x.dataSync()[0] as number);
    });
    const [image, reward, kl] = expected as [number, number, number];
    expect(got.image).toBeCloseTo(image, 2);
    expect(got.reward).toBeCloseTo(reward, 5);
    expect(got.kl).toBeCloseTo(kl, 5);
    expect(got.total).toBeCloseTo(image + 10 * reward + kl, 2);
  });

  it('imageEvery = 2 decodes steps phase, phase + 2, ... and averages their errors', () => {
    const m = model({ imageEvery: 2 });
    const rngState = m.getRngState();
    const got = lossValues(m, batch);
    m.setRngState(rngState);
    const { phase, perFrame } = tf.tidy(() => {
      const { images, actions } = m.toTensors(batch, true);
      const observed = m.observeTensors(images, actions);
      const steps = decodedSteps(5, 2, m.nextSeed());
      const features = tf.reshape(observed.features, [10, -1]) as tf.Tensor2D;
      const diff = tf.sub(m.decode(features), tf.reshape(images, [10, 64, 64, 3]));
      const errors = tf.sum(tf.square(diff), [1, 2, 3]).dataSync();
      return { phase: steps.phase, perFrame: Array.from(errors) };
    });
    // Frames are [sequence 0: t = 0..4, sequence 1: t = 0..4]; decoded: t = phase, phase + 2, ...
    const picked = perFrame.filter((_, i) => (i % 5) % 2 === phase && i % 5 >= phase);
    expect(picked).toHaveLength(phase === 0 ? 6 : 4);
    const mean = picked.reduce((a, b) => a + b, 0) / picked.length;
    expect(got.image).toBeCloseTo(mean, 2);
    const all = perFrame.reduce((a, b) => a + b, 0) / perFrame.length;
    expect(Math.abs(got.image - all)).toBeGreaterThan(1e-3);
    // It trains: the gradient passes the time selection (tfjs has none for stridedSlice, and
    // gather's needs a kernel wasm lacks); the same variables move as with every step decoded.
    const movedBy = (net: LatentWorldModel) => {
      const before = tf.tidy(() => net.trainableVariables().map((v) => v.clone()));
      expect(Number.isFinite(net.trainStep(batch).image)).toBe(true);
      const moved = tf.tidy(() =>
        net
          .trainableVariables()
          .map((v, i) => tf.any(tf.notEqual(v, before[i] as tf.Tensor)).dataSync()[0] === 1),
      );
      tf.dispose(before);
      return moved;
    };
    const moved = movedBy(m);
    expect(moved.filter(Boolean).length).toBeGreaterThan(10);
    expect(moved).toEqual(movedBy(model({ imageEvery: 1 })));
  });

  it('decodedSteps: phases cover 0..k-1, k is capped at the chunk length, k = 1 decodes all', () => {
    const phases = new Set(
      Array.from({ length: 40 }, (_, s) => decodedSteps(50, 4, s * 7919).phase),
    );
    expect([...phases].sort()).toEqual([0, 1, 2, 3]);
    expect(decodedSteps(3, 8, 5)).toEqual({ phase: 2, every: 3 });
    expect(decodedSteps(10, 1, 12345)).toEqual({ phase: 0, every: 1 });
  });

  it('D = 3 with betas [3, 0, 0] reduces to the plain loss', () => {
    const plain = model({ overshooting: { distance: 1 } });
    const over = model({ overshooting: { distance: 3, betas: [3, 0, 0] } });
    const a = lossValues(plain, batch);
    const b = lossValues(over, batch);
    expect(b.kl).toBeCloseTo(a.kl, 5);
    expect(b.kl_d1).toBeCloseTo(a.kl, 5);
    expect(b.total).toBeCloseTo(a.total, 2);
  });

  it('distance-2 overshooting KL matches two prior steps from every start (deterministic rnn)', () => {
    // rnn + 8-bit input: no sampling anywhere, so an independent rollout is exact.
    const config = { variant: 'rnn' as const, bitDepth: 8, freeNats: 0 };
    const m = model({ ...config, overshooting: { distance: 2, betas: [1, 1] } });
    const got = lossValues(m, batch);
    const expectedD2 = tf.tidy(() => {
      const observed = m.observe(batch);
      const actions = tf.tensor3d(batch.action, [2, 5, A]);
      const at = (x: tf.Tensor3D, t: number) =>
        tf.squeeze(tf.slice(x, [0, t, 0], [-1, 1, -1]), [1]) as tf.Tensor2D;
      const kls: tf.Tensor[] = [];
      for (let t = 1; t < 5; t += 1) {
        const start: LatentState =
          t >= 2 ? mapState(observed.posteriors, (x) => at(x, t - 2)) : m.core.initialState(2);
        const one = m.core.imagineStep(start, at(actions, t - 1), 0);
        const two = m.core.imagineStep(one, at(actions, t), 0);
        kls.push(
          stateKl(
            mapState(observed.posteriors, (x) => at(x, t)),
            two,
          ),
        );
      }
      return tf.mean(tf.stack(kls)).dataSync()[0] as number;
    });
    expect(got.kl_d2).toBeCloseTo(expectedD2, 4);
    expect(got.kl).toBeCloseTo((got.kl_d1 + got.kl_d2) / 2, 5);
  });

  it('rejects an overshooting distance longer than the sequence', () => {
    const m = model({ overshooting: { distance: 6 } });
    expect(() => m.loss(batch)).toThrow(/distance 6 exceeds the sequence length 5/);
  });
});

describe('image loss mask', () => {
  const pred = tf.randomUniform([2, 64, 64, 3], -0.5, 0.5, 'float32', 1) as tf.Tensor4D;
  const target = tf.randomUniform([2, 64, 64, 3], -0.5, 0.5, 'float32', 2) as tf.Tensor4D;
  const p = pred.arraySync();
  const q = target.arraySync();

  /** Mean over images of the summed squared error of f(image) in plain JS. */
  function manual(f: (img: number[][][], y: number, x: number, c: number) => number, side: number) {
    let total = 0;
    for (let n = 0; n < 2; n += 1) {
      for (let y = 0; y < side; y += 1) {
        for (let x = 0; x < side; x += 1) {
          for (let c = 0; c < 3; c += 1) {
            const d = f(p[n]!, y, x, c) - f(q[n]!, y, x, c);
            total += d * d;
          }
        }
      }
    }
    return total / 2;
  }

  it('full sums every pixel', () => {
    const v = imageLoss(pred, target, { kind: 'full' }).dataSync()[0];
    expect(v).toBeCloseTo(
      manual((img, y, x, c) => img[y]![x]![c]!, 64),
      1,
    );
  });

  it('centerCrop sums only the centre square', () => {
    const v = imageLoss(pred, target, { kind: 'centerCrop', size: 32 }).dataSync()[0];
    expect(v).toBeCloseTo(
      manual((img, y, x, c) => img[y + 16]![x + 16]![c]!, 32),
      2,
    );
  });

  it('resize compares block means', () => {
    const block = (img: number[][][], y: number, x: number, c: number) => {
      let s = 0;
      for (let i = 0; i < 4; i += 1)
        for (let j = 0; j < 4; j += 1) s += img[4 * y + i]![4 * x + j]![c]!;
      return s / 16;
    };
    const v = imageLoss(pred, target, { kind: 'resize', size: 16 }).dataSync()[0];
    expect(v).toBeCloseTo(manual(block, 16), 3);
  });
});
