import * as tf from './tf.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Identity in the forward pass, zero gradient in the backward pass (TensorFlow's
 * `stop_gradient`), e.g. for targets, KL balancing or straight-through estimators.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const op = tf.customGrad(((input: tf.Tensor) => ({
    value: input.clone(),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as T;
}

/**
 * Diagonal Gaussian over the last axis (the event dims); all other axes are batch axes.
 * `mean` and `std` must broadcast to the same shape. The distribution does not own them:
 * dispose them (or use `tf.tidy`) as usual.
 */
export class Normal {
  constructor(
    readonly mean: tf.Tensor,
    readonly std: tf.Tensor,
  ) {}

  /** Reparameterised sample mean + std * eps, eps ~ N(0, I); gradients flow to mean and std. */
  rsample(seed?: number): tf.Tensor {
    return tf.tidy(() => {
      const shape = broadcastShape(this.mean, this.std);
      const eps = tf.randomNormal(shape, 0, 1, 'float32', seed);
      return tf.add(this.mean, tf.mul(this.std, eps));
    });
  }

  /** Sample without gradients. */
  sample(seed?: number): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(seed)));
  }

  /** log N(x; mean, std^2) summed over the last axis. */
  logProb(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.div(tf.sub(x, this.mean), this.std);
      const perDim = tf.neg(
        tf.add(tf.add(tf.mul(0.5, tf.square(z)), tf.log(this.std)), HALF_LOG_TWO_PI),
      );
      return tf.sum(perDim, -1);
    });
  }

  /** Differential entropy 0.5 + 0.5 log(2 pi) + log std, summed over the last axis. */
  entropy(): tf.Tensor {
    return tf.tidy(() => {
      const std = tf.broadcastTo(this.std, broadcastShape(this.mean, this.std));
      return tf.sum(tf.add(tf.log(std), 0.5 + HALF_LOG_TWO_PI), -1);
    });
  }

  /** The mode (= the mean). */
  mode(): tf.Tensor {
    return tf.broadcastTo(this.mean, broadcastShape(this.mean, this.std)).clone();
  }
}

/**
 * KL(p || q) of two diagonal Gaussians, summed over the last axis:
 * sum log(sq/sp) + (sp^2 + (mp - mq)^2) / (2 sq^2) - 1/2.
 */
export function klNormal(p: Normal, q: Normal): tf.Tensor {
  return tf.tidy(() => {
    const varianceRatio = tf.square(tf.div(p.std, q.std));
    const meanTerm = tf.square(tf.div(tf.sub(p.mean, q.mean), q.std));
    const perDim = tf.mul(
      0.5,
      tf.sub(tf.sub(tf.add(varianceRatio, meanTerm), 1), tf.log(varianceRatio)),
    );
    return tf.sum(perDim, -1);
  });
}

/**
 * tanh of a diagonal Gaussian (bounded actions, as in Dreamer's actor). log-probabilities use
 * the change of variables log p(y) = log N(u) - sum log(1 - tanh(u)^2), y = tanh(u).
 */
export class TanhNormal {
  /** The Gaussian before the tanh. */
  readonly base: Normal;

  /** Clamp for |y| before atanh, so boundary values keep a finite log-probability. */
  static readonly EPSILON = 1e-6;

  constructor(mean: tf.Tensor, std: tf.Tensor) {
    this.base = new Normal(mean, std);
  }

  /** Reparameterised sample tanh(mean + std * eps). */
  rsample(seed?: number): tf.Tensor {
    return tf.tidy(() => tf.tanh(this.base.rsample(seed)));
  }

  /** Sample without gradients. */
  sample(seed?: number): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(seed)));
  }

  /**
   * Reparameterised sample and its log-probability, computed from the pre-tanh value with the
   * stable identity log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u)).
   */
  rsampleWithLogProb(seed?: number): { sample: tf.Tensor; logProb: tf.Tensor } {
    return tf.tidy(() => {
      const u = this.base.rsample(seed);
      return { sample: tf.tanh(u), logProb: this.logProbOfPreTanh(u) };
    });
  }

  /** log p(tanh(u)) summed over the last axis, from the pre-tanh value u (no atanh needed). */
  logProbOfPreTanh(u: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.sub(this.base.logProb(u), logJacobian(u)));
  }

  /** log p(y) summed over the last axis; y is clamped to +-(1 - EPSILON) before atanh. */
  logProb(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const bound = 1 - TanhNormal.EPSILON;
      const u = tf.atanh(tf.clipByValue(y, -bound, bound));
      return tf.sub(this.base.logProb(u), logJacobian(u));
    });
  }

  /** tanh(mean): the mode of the base Gaussian pushed through tanh (the usual approximation). */
  mode(): tf.Tensor {
    return tf.tidy(() => tf.tanh(this.base.mode()));
  }
}

/** sum over the last axis of log(1 - tanh(u)^2). */
function logJacobian(u: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(2, tf.sub(tf.sub(Math.log(2), u), tf.softplus(tf.mul(-2, u)))), -1);
}

/** Independent Bernoulli variables given by logits, summed over the last axis (event dims). */
export class Bernoulli {
  constructor(readonly logits: tf.Tensor) {}

  /** P(x = 1) = sigmoid(logits). */
  mean(): tf.Tensor {
    return tf.sigmoid(this.logits);
  }

  /** log p(x) = x * logits - softplus(logits), summed over the last axis; x in [0, 1]. */
  logProb(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.sub(tf.mul(x, this.logits), tf.softplus(this.logits)), -1));
  }

  /** 1 where logits > 0, else 0 (float32). */
  mode(): tf.Tensor {
    return tf.tidy(() => tf.cast(tf.greater(this.logits, 0), 'float32'));
  }

  /** 0/1 float32 sample, no gradients. */
  sample(seed?: number): tf.Tensor {
    return tf.tidy(() => {
      const u = tf.randomUniform(this.logits.shape, 0, 1, 'float32', seed);
      return tf.cast(tf.less(u, tf.sigmoid(this.logits)), 'float32');
    });
  }
}

function broadcastShape(a: tf.Tensor, b: tf.Tensor): number[] {
  return tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
}
