import { Rng, initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { freeNatsKl, stateKl } from './free-nats.js';
import type { LatentState } from './types.js';

beforeAll(async () => {
  await initBackend();
});

function gaussianState(mean: number[][], std: number[][]): LatentState {
  return {
    deter: null,
    stoch: tf.tensor2d(mean),
    mean: tf.tensor2d(mean),
    std: tf.tensor2d(std),
  };
}

/** KL[N(mq, sq) || N(mp, sp)] summed over dims, in plain JS (closed form). */
function closedFormKl(mq: number[], sq: number[], mp: number[], sp: number[]): number {
  let sum = 0;
  for (let i = 0; i < mq.length; i += 1) {
    const [a, s, b, p] = [mq[i] as number, sq[i] as number, mp[i] as number, sp[i] as number];
    sum += Math.log(p / s) + (s * s + (a - b) * (a - b)) / (2 * p * p) - 0.5;
  }
  return sum;
}

describe('stateKl', () => {
  it('is zero for identical Gaussians', () => {
    const q = gaussianState([[0.3, -1.2, 2]], [[0.5, 1.5, 0.1]]);
    const kl = stateKl(q, q);
    expect(kl.shape).toEqual([1]);
    expect(Math.abs(kl.dataSync()[0] as number)).toBeLessThan(1e-6);
  });

  it('matches the closed form on random inputs', () => {
    const rng = new Rng(7);
    const rows = 6;
    const dims = 5;
    const draw = (f: () => number) =>
      Array.from({ length: rows }, () => Array.from({ length: dims }, f));
    const mq = draw(() => rng.normal(0, 2));
    const mp = draw(() => rng.normal(0, 2));
    const sq = draw(() => rng.uniform(0.1, 3));
    const sp = draw(() => rng.uniform(0.1, 3));
    const kl = stateKl(gaussianState(mq, sq), gaussianState(mp, sp)).arraySync() as number[];
    for (let r = 0; r < rows; r += 1) {
      const expected = closedFormKl(mq[r]!, sq[r]!, mp[r]!, sp[r]!);
      expect(kl[r]).toBeCloseTo(expected, 3);
    }
  });
});

describe('freeNatsKl', () => {
  const perStep = [0.5, 2, 4, 7]; // mean 3.375

  it('clampPerStep averages max(KL, free)', () => {
    const v = freeNatsKl(tf.tensor1d(perStep), 3, 'clampPerStep').dataSync()[0];
    expect(v).toBeCloseTo((3 + 3 + 4 + 7) / 4, 6);
  });

  it('hingePerStep averages max(0, KL - free)', () => {
    const v = freeNatsKl(tf.tensor1d(perStep), 3, 'hingePerStep').dataSync()[0];
    expect(v).toBeCloseTo((0 + 0 + 1 + 4) / 4, 6);
  });

  it('clampMean clamps the mean', () => {
    expect(freeNatsKl(tf.tensor1d(perStep), 3, 'clampMean').dataSync()[0]).toBeCloseTo(3.375, 6);
    expect(freeNatsKl(tf.tensor1d([0.5, 2, 4, 1]), 3, 'clampMean').dataSync()[0]).toBeCloseTo(3, 6);
  });

  it('passes gradient only where the KL exceeds the free nats', () => {
    const kl = tf.tensor1d(perStep);
    const grad = (convention: 'clampPerStep' | 'hingePerStep' | 'clampMean', x = kl) =>
      Array.from(
        tf
          .grad((k: tf.Tensor) => freeNatsKl(k, 3, convention))(x)
          .dataSync(),
      );
    expect(grad('clampPerStep')).toEqual([0, 0, 0.25, 0.25]);
    expect(grad('hingePerStep')).toEqual([0, 0, 0.25, 0.25]);
    expect(grad('clampMean')).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(grad('clampMean', tf.tensor1d([0.5, 2, 4, 1]))).toEqual([0, 0, 0, 0]);
  });

  it('rejects an unknown convention with the allowed names', () => {
    expect(() => freeNatsKl(tf.tensor1d([1]), 3, 'bogus' as never)).toThrow(/clampPerStep/);
  });
});
