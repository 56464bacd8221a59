import { initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { sequenceScorer, sumRewards } from './scorer.js';

beforeAll(async () => {
  await initBackend();
});

describe('sumRewards', () => {
  it('adds the per-step rewards, keeps carried tensors alive and leaves nothing behind', () => {
    const before = tf.memory().numTensors;
    const carried = tf.tensor1d([10, 20]);
    // x_{t+1} = x_t + 1 from x_0 = [0, 1]; reward_t = x_{t+1} + carried.
    const total = sumRewards({ x: tf.tensor1d([0, 1]), carried }, 3, (state) => {
      const x = tf.add(state.x, 1) as tf.Tensor1D;
      return {
        state: { x, carried: state.carried },
        reward: tf.add(x, state.carried) as tf.Tensor1D,
      };
    });
    // Sequence 0: (1 + 2 + 3) + 3 * 10 = 36; sequence 1: (2 + 3 + 4) + 3 * 20 = 69.
    expect(Array.from(total.dataSync())).toEqual([36, 69]);
    total.dispose();
    // The carried tensor was disposed with the last state, like every other state tensor.
    expect(carried.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sequenceScorer', () => {
  it('score() runs scoreTensor on [J, H, A] numbers and checks their count', () => {
    const scorer = sequenceScorer(2, (a) => tf.sum(a, [1, 2]) as tf.Tensor1D, 'sum');
    expect(Array.from(scorer.score(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 2, 2))).toEqual([
      10, 26,
    ]);
    expect(() => scorer.score(new Float32Array(3), 2, 2)).toThrow(
      /sum: 3 values, expected J\*H\*A = 2\*2\*2/,
    );
  });
});
