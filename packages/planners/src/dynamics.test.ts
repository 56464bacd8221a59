import type { Dynamics } from '@vmbrl/core';
import { Rng, initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { cem } from './cem.js';
import { scorerFromDynamics } from './types.js';

beforeAll(async () => {
  await initBackend();
});

const A = 2;
const goal = [0.5, -0.3];

/**
 * A point mass on the typed-array side: position p' = p + a, reward -||p' - goal||^2. Counts
 * live states so the test can check the adapter disposes every one.
 */
class PointMass implements Dynamics<{ pos: Float32Array }, Float32Array> {
  readonly actionDim = A;
  live = 0;

  initial(belief: Float32Array, candidates: number): { pos: Float32Array } {
    this.live++;
    const pos = new Float32Array(candidates * A);
    for (let j = 0; j < candidates; j++) pos.set(belief, j * A);
    return { pos };
  }

  step(states: { pos: Float32Array }, actions: Float32Array): { pos: Float32Array } {
    this.live++;
    return { pos: states.pos.map((p, i) => p + (actions[i] as number)) };
  }

  reward(states: { pos: Float32Array }): Float32Array {
    const J = states.pos.length / A;
    return Float32Array.from({ length: J }, (_, j) => {
      let sum = 0;
      for (let a = 0; a < A; a++)
        sum += ((states.pos[j * A + a] as number) - (goal[a] as number)) ** 2;
      return -sum;
    });
  }

  dispose(): void {
    this.live--;
  }
}

/** The same point mass with tensor states (a learned model's shape of bookkeeping). */
class TensorPointMass implements Dynamics<tf.Tensor2D, Float32Array> {
  readonly actionDim = A;

  initial(belief: Float32Array, candidates: number): tf.Tensor2D {
    return tf.tidy(() => tf.tile(tf.tensor2d(belief, [1, A]), [candidates, 1]));
  }

  step(states: tf.Tensor2D, actions: Float32Array): tf.Tensor2D {
    return tf.tidy(() => tf.add(states, tf.tensor2d(actions, states.shape)));
  }

  reward(states: tf.Tensor2D): Float32Array {
    const rewards = tf.tidy(() => tf.neg(tf.sum(tf.square(tf.sub(states, tf.tensor1d(goal))), 1)));
    const values = rewards.dataSync() as Float32Array;
    rewards.dispose();
    return values;
  }

  dispose(states: tf.Tensor2D): void {
    states.dispose();
  }
}

/** Returns computed directly: walk each candidate and add up the rewards in float64. */
function expectedReturns(belief: number[], actions: Float32Array, J: number, H: number): number[] {
  return Array.from({ length: J }, (_, j) => {
    const p = [...belief];
    let total = 0;
    for (let t = 0; t < H; t++) {
      for (let a = 0; a < A; a++)
        p[a] = (p[a] as number) + (actions[(j * H + t) * A + a] as number);
      total -=
        ((p[0] as number) - (goal[0] as number)) ** 2 +
        ((p[1] as number) - (goal[1] as number)) ** 2;
    }
    return total;
  });
}

describe('scorerFromDynamics', () => {
  const J = 7;
  const H = 4;
  const rng = new Rng(3);
  const actions = Float32Array.from({ length: J * H * A }, () => rng.uniform(-1, 1));
  const belief = Float32Array.from([0.1, 0.2]);

  it('sums the rewards of the states reached, and disposes every state', () => {
    const dynamics = new PointMass();
    const returns = scorerFromDynamics(dynamics, belief).score(actions, J, H);
    const expected = expectedReturns([0.1, 0.2], actions, J, H);
    expected.forEach((r, j) => expect(returns[j]).toBeCloseTo(r, 4));
    expect(dynamics.live).toBe(0);
  });

  it('tensor-state dynamics: same returns, no tensors left behind', () => {
    const scorer = scorerFromDynamics(new TensorPointMass(), belief);
    scorer.score(actions, J, H);
    const before = tf.memory().numTensors;
    const returns = scorer.score(actions, J, H);
    expect(tf.memory().numTensors).toBe(before);
    const expected = expectedReturns([0.1, 0.2], actions, J, H);
    expected.forEach((r, j) => expect(returns[j]).toBeCloseTo(r, 4));
  });

  it('rejects actions of the wrong size and rewards of the wrong length', () => {
    const scorer = scorerFromDynamics(new PointMass(), belief);
    expect(() => scorer.score(actions.subarray(1), J, H)).toThrow(
      /actions = "55 numbers" is invalid; allowed: a Float32Array of \[J=7, H=4, A=2\] = 56 numbers/,
    );
    const broken = new PointMass();
    broken.reward = () => new Float32Array(1);
    expect(() => scorerFromDynamics(broken, belief).score(actions, J, H)).toThrow(
      /dynamics.reward returned 1 values; expected one per candidate \(7\)/,
    );
    expect(broken.live).toBe(0);
  });

  it('CEM over the dynamics moves to the goal at once, then stays', async () => {
    // From the origin, the return -sum_t ||p_t - goal||^2 is maximal for a_1 = goal and
    // a_t = 0 afterwards (every later position then sits on the goal).
    const scorer = scorerFromDynamics(new PointMass(), new Float32Array(A));
    const result = await cem(scorer, {
      horizon: 3,
      candidates: 400,
      topK: 40,
      iterations: 8,
      seed: 0,
    });
    expect(result.action[0]).toBeCloseTo(0.5, 1);
    expect(result.action[1]).toBeCloseTo(-0.3, 1);
    for (let k = A; k < 3 * A; k++) expect(Math.abs(result.mean[k] as number)).toBeLessThan(0.05);
  });
});
