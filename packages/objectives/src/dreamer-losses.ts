import { type Normal, stopGradient, tf } from '@vmbrl/tensor';

/**
 * Dreamer's actor loss (Dreamer eq. 7 as a loss): -mean over steps and batch of the value estimates,
 * optionally weighted per step (the reference code weights by the cumulative discount, see
 * `cumulativeDiscounts`). Gradients flow into `returns`, i.e. through the imagined rollout.
 */
export function actorLoss(returns: tf.Tensor, weights?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    checkSameShape(returns, weights, 'actorLoss');
    const weighted = weights ? tf.mul(weights, returns) : returns;
    return tf.neg(tf.mean(weighted)) as tf.Scalar;
  });
}

/**
 * Dreamer's value loss (Dreamer eq. 8): mean of 1/2 (v(s_t) - stopgrad(V_lambda(s_t)))^2, optionally
 * weighted per step. Only `values` carries gradients.
 */
export function valueLoss(values: tf.Tensor, targets: tf.Tensor, weights?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (values.shape.join() !== targets.shape.join()) {
      throw new Error(
        `valueLoss: values [${values.shape}] and targets [${targets.shape}] must have the same shape`,
      );
    }
    checkSameShape(values, weights, 'valueLoss');
    const squared = tf.mul(0.5, tf.square(tf.sub(values, stopGradient(targets))));
    return tf.mean(weights ? tf.mul(weights, squared) : squared) as tf.Scalar;
  });
}

/**
 * The contrastive term of Dreamer eq. 12 as a loss, with the InfoNCE mini-batch bound:
 *   -mean_i [ ln q(s_i | o_i) - ln sum_j q(s_i | o_j) ]
 * where `states` [B, S] are the model states of B observations and `stateModel` is q(s | o)
 * for the same B observations (mean and std [B, S]); the other observations in the batch are
 * the negatives. Minimising it maximises the bound (up to the constant ln B).
 */
export function contrastiveLoss(states: tf.Tensor2D, stateModel: Normal): tf.Scalar {
  return tf.tidy(() => {
    const [batch, dims] = states.shape;
    const shape = tf.backend_util.assertAndGetBroadcastShape(
      stateModel.mean.shape,
      stateModel.std.shape,
    );
    if (shape.join() !== [batch, dims].join()) {
      throw new Error(
        `contrastiveLoss: the state model must give [${batch}, ${dims}] like states, got [${shape}]`,
      );
    }
    // scores[i][j] = ln q(s_i | o_j): states along axis 0, observations along axis 1.
    const s = tf.expandDims(states, 1);
    const mean = tf.expandDims(tf.broadcastTo(stateModel.mean, shape), 0);
    const std = tf.expandDims(tf.broadcastTo(stateModel.std, shape), 0);
    const z = tf.div(tf.sub(s, mean), std);
    const scores = tf.neg(
      tf.sum(
        tf.add(tf.add(tf.mul(0.5, tf.square(z)), tf.log(std)), 0.5 * Math.log(2 * Math.PI)),
        -1,
      ),
    );
    const positives = tf.sum(tf.mul(scores, tf.eye(batch)), -1);
    return tf.neg(tf.mean(tf.sub(positives, tf.logSumExp(scores, -1)))) as tf.Scalar;
  });
}

function checkSameShape(x: tf.Tensor, weights: tf.Tensor | undefined, where: string): void {
  if (weights && weights.shape.join() !== x.shape.join()) {
    throw new Error(`${where}: weights [${weights.shape}] must have shape [${x.shape}]`);
  }
}
