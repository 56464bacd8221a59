import { stopGradient, tf } from '@vmbrl/tensor';

/**
 * Discounts of a trajectory: one number (gamma for every step) or a tensor [T, ...] where
 * `discounts[t]` multiplies what comes after step t (e.g. gamma * continuation probability).
 */
export type Discounts = number | tf.Tensor;

/** Inputs shared by the value estimates of Dreamer eq. 4-6. Time is the first axis. */
export interface ReturnInputs {
  /** r_t [T, ...]: the reward of step t (of the state the estimate is for). */
  rewards: tf.Tensor;
  /**
   * v(s_t) [T, ...], or [T + 1, ...] whose last row is v(s_T) (the bootstrap).
   * Row 0 is not used by the estimates (they look at v(s_{t+1}) onwards); it is accepted so the
   * values of the same states as the rewards can be passed as they are.
   */
  values: tf.Tensor;
  /** gamma, or per-step discounts [T, ...]. */
  discounts: Discounts;
  /** v(s_T) [...], the value after the last step. Required unless `values` has T + 1 rows. */
  bootstrap?: tf.Tensor;
}

/**
 * V_lambda of Dreamer eq. 6 for every step, by the recursion
 *   R_t = r_t + d_t ((1 - lambda) v(s_{t+1}) + lambda R_{t+1}),  R_T = v(s_T) (the bootstrap),
 * which equals the exponentially weighted average of the n-step returns V_N^n (Dreamer eq. 5) with
 * weights (1 - lambda) lambda^(n-1) and the remainder lambda^(T-t-1) on the longest one.
 * lambda = 0 gives one-step TD targets, lambda = 1 the discounted Monte-Carlo return plus the
 * discounted bootstrap. Differentiable in rewards, values, discounts and bootstrap.
 * Returns [T, ...].
 */
export function lambdaReturn(inputs: ReturnInputs & { lambda: number }): tf.Tensor {
  const { lambda } = inputs;
  if (!(lambda >= 0 && lambda <= 1)) {
    throw new Error(`lambdaReturn: lambda must be in [0, 1], got ${lambda}`);
  }
  return tf.tidy(() => {
    const { rewards, nextValues, discounts, bootstrap } = prepare(inputs, 'lambdaReturn');
    const returns: tf.Tensor[] = new Array(rewards.length);
    let next = bootstrap;
    for (let t = rewards.length - 1; t >= 0; t--) {
      const mixed = tf.add(tf.mul(1 - lambda, nextValues[t] as tf.Tensor), tf.mul(lambda, next));
      next = tf.add(rewards[t] as tf.Tensor, tf.mul(discounts[t] as tf.Tensor, mixed));
      returns[t] = next;
    }
    return tf.stack(returns);
  });
}

/**
 * V_N^k of Dreamer eq. 5 for every step t: the discounted rewards of steps t .. h-1 plus the
 * discounted value v(s_h), with h = min(t + k, T) (v(s_T) is the bootstrap). Returns [T, ...].
 */
export function nStepReturn(inputs: ReturnInputs & { k: number }): tf.Tensor {
  const { k } = inputs;
  if (!Number.isInteger(k) || k < 1) {
    throw new Error(`nStepReturn: k must be a positive integer, got ${k}`);
  }
  return tf.tidy(() => {
    const { rewards, nextValues, discounts } = prepare(inputs, 'nStepReturn');
    const horizon = rewards.length;
    const out: tf.Tensor[] = [];
    for (let t = 0; t < horizon; t++) {
      const h = Math.min(t + k, horizon);
      let sum: tf.Tensor = tf.zerosLike(rewards[t] as tf.Tensor);
      let discount: tf.Tensor = tf.onesLike(rewards[t] as tf.Tensor);
      for (let n = t; n < h; n++) {
        sum = tf.add(sum, tf.mul(discount, rewards[n] as tf.Tensor));
        discount = tf.mul(discount, discounts[n] as tf.Tensor);
      }
      // nextValues[h - 1] is v(s_h) (the bootstrap when h = T).
      out.push(tf.add(sum, tf.mul(discount, nextValues[h - 1] as tf.Tensor)));
    }
    return tf.stack(out);
  });
}

/**
 * V_R of Dreamer eq. 4: the sum of the rewards from step t to the end of the imagined
 * trajectory, ignoring anything beyond it (no value model). Eq. 4 does not discount; pass
 * `discounts` for the discounted variant. Returns [T, ...].
 */
export function rewardSumReturn(rewards: tf.Tensor, discounts: Discounts = 1): tf.Tensor {
  return tf.tidy(() => {
    checkTimeMajor(rewards, 'rewardSumReturn: rewards');
    const steps = timeSteps(rewards);
    const ds = discountList(discounts, rewards, 'rewardSumReturn');
    const out: tf.Tensor[] = new Array(steps.length);
    let next: tf.Tensor = tf.zerosLike(steps[0] as tf.Tensor);
    for (let t = steps.length - 1; t >= 0; t--) {
      next = tf.add(steps[t] as tf.Tensor, tf.mul(ds[t] as tf.Tensor, next));
      out[t] = next;
    }
    return tf.stack(out);
  });
}

/**
 * Weights [T, ...] = [1, d_0, d_0 d_1, ...] (the probability of reaching each step), without
 * gradient: Dreamer's reference code weights the actor and value losses by them.
 */
export function cumulativeDiscounts(discounts: Discounts, like: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    checkTimeMajor(like, 'cumulativeDiscounts: like');
    const ds = discountList(discounts, like, 'cumulativeDiscounts');
    const out: tf.Tensor[] = [];
    let weight: tf.Tensor = tf.onesLike(ds[0] as tf.Tensor);
    for (let t = 0; t < ds.length; t++) {
      out.push(weight);
      weight = tf.mul(weight, ds[t] as tf.Tensor);
    }
    return stopGradient(tf.stack(out));
  });
}

interface Prepared {
  rewards: tf.Tensor[];
  /** nextValues[t] = v(s_{t+1}); the last one is the bootstrap. */
  nextValues: tf.Tensor[];
  discounts: tf.Tensor[];
  bootstrap: tf.Tensor;
}

function prepare(inputs: ReturnInputs, where: string): Prepared {
  const { rewards, values } = inputs;
  checkTimeMajor(rewards, `${where}: rewards`);
  const horizon = rewards.shape[0] as number;
  const batchShape = rewards.shape.slice(1);
  if (values.shape.slice(1).join() !== batchShape.join()) {
    throw new Error(
      `${where}: values [${values.shape}] must have the batch shape of rewards [${rewards.shape}]`,
    );
  }
  let bootstrap: tf.Tensor;
  let valueRows: tf.Tensor[];
  if (values.shape[0] === horizon + 1) {
    if (inputs.bootstrap) {
      throw new Error(`${where}: pass either values with T + 1 rows or a bootstrap, not both`);
    }
    valueRows = timeSteps(values);
    bootstrap = valueRows[horizon] as tf.Tensor;
  } else if (values.shape[0] === horizon) {
    if (!inputs.bootstrap) {
      throw new Error(
        `${where}: values has T = ${horizon} rows, so a bootstrap v(s_T) of shape [${batchShape}] is required`,
      );
    }
    bootstrap = inputs.bootstrap;
    if (bootstrap.shape.join() !== batchShape.join()) {
      throw new Error(
        `${where}: bootstrap must have shape [${batchShape}], got [${bootstrap.shape}]`,
      );
    }
    valueRows = [...timeSteps(values), bootstrap];
  } else {
    throw new Error(
      `${where}: values must have T = ${horizon} or T + 1 rows like rewards [${rewards.shape}], got [${values.shape}]`,
    );
  }
  return {
    rewards: timeSteps(rewards),
    nextValues: valueRows.slice(1),
    discounts: discountList(inputs.discounts, rewards, where),
    bootstrap,
  };
}

function discountList(discounts: Discounts, like: tf.Tensor, where: string): tf.Tensor[] {
  const horizon = like.shape[0] as number;
  if (typeof discounts === 'number') {
    if (!(discounts >= 0 && discounts <= 1)) {
      throw new Error(`${where}: a scalar discount must be in [0, 1], got ${discounts}`);
    }
    const row = tf.fill(like.shape.slice(1), discounts);
    return new Array(horizon).fill(row);
  }
  if (discounts.shape.join() !== like.shape.join()) {
    throw new Error(
      `${where}: discounts must be a number or have shape [${like.shape}], got [${discounts.shape}]`,
    );
  }
  return timeSteps(discounts);
}

function checkTimeMajor(x: tf.Tensor, what: string): void {
  if (x.rank < 1 || (x.shape[0] as number) < 1) {
    throw new Error(`${what} must be time-major [T, ...] with T >= 1, got [${x.shape}]`);
  }
}

/**
 * The rows of a time-major tensor, x[0] .. x[T-1], as slices. Used instead of `tf.unstack`,
 * whose gradient fails when T = 1 (tfjs hands `stack` a single tensor instead of a list).
 */
export function timeSteps(x: tf.Tensor): tf.Tensor[] {
  const rowShape = x.shape.slice(1);
  const size = [1, ...rowShape];
  const rows: tf.Tensor[] = [];
  for (let t = 0; t < (x.shape[0] as number); t++) {
    rows.push(tf.reshape(tf.slice(x, [t, ...rowShape.map(() => 0)], size), rowShape));
  }
  return rows;
}
