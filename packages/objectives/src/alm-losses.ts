import { type Normal, klNormal, stopGradient, tf } from '@vmbrl/tensor';
import { type NoiseSource, rsample } from './noise.js';
import { cumulativeDiscounts, lambdaReturn, timeSteps } from './returns.js';

/**
 * ALM's networks as callables (batch axes first, features last). `reward`, `classifierLogit`
 * and the critics return one number per batch element ([N]).
 */
export interface AlmFunctions {
  /** e_phi(z | s). */
  encode(states: tf.Tensor): Normal;
  /** The EMA target encoder (the losses stop its gradient). */
  encodeTarget(states: tf.Tensor): Normal;
  /** m_phi(z' | z, a). */
  model(z: tf.Tensor, actions: tf.Tensor): Normal;
  /** The deterministic policy pi(z) in [-1, 1] (before exploration noise). */
  policy(z: tf.Tensor): tf.Tensor;
  /** r_theta(z, a). */
  reward(z: tf.Tensor, actions: tf.Tensor): tf.Tensor;
  /** The logit of C_theta(z', a, z): log(C / (1 - C)). */
  classifierLogit(z: tf.Tensor, actions: tf.Tensor, zNext: tf.Tensor): tf.Tensor;
  /** Q1, Q2 (z, a). */
  critic(z: tf.Tensor, actions: tf.Tensor): [tf.Tensor, tf.Tensor];
  /** The EMA target critics. */
  criticTarget(z: tf.Tensor, actions: tf.Tensor): [tf.Tensor, tf.Tensor];
}

/** The policy's exploration noise inside updates: std from the schedule, clipped (Table 3: 0.3). */
export interface PolicyNoise {
  std: number;
  clip: number;
  noise: NoiseSource;
}

/** Bound of the clamp of noisy actions, as in the reference code's TruncatedNormal. */
const ACTION_EPSILON = 1e-6;

/**
 * pi(z) + clip(std * eps, -clip, clip), clamped to (-1, 1) with a straight-through gradient
 * (the clamp passes the gradient of the unclamped action, as in the reference code).
 */
export function noisyPolicy(f: AlmFunctions, z: tf.Tensor, p: PolicyNoise): tf.Tensor {
  return tf.tidy(() => {
    const mean = f.policy(z);
    const eps = tf.clipByValue(tf.mul(p.std, p.noise.standardNormal(mean.shape)), -p.clip, p.clip);
    const raw = tf.add(mean, eps);
    const bound = 1 - ACTION_EPSILON;
    return tf.add(raw, stopGradient(tf.sub(tf.clipByValue(raw, -bound, bound), raw)));
  });
}

/** Options of {@link lowerBoundLoss}. */
export interface LowerBoundOptions extends PolicyNoise {
  gamma: number;
  /** Keep the KL consistency term (ablation flag). */
  klTerm: boolean;
  /** Keep the value term Q(z_K, pi(z_K)) (ablation flag). */
  valueTerm: boolean;
  /** Discount the terms by gamma^i as written in ALM eq. 7 (the reference code does not). */
  discount: boolean;
}

/**
 * The negated K-step lower bound of ALM eq. 7 for the encoder and the latent model, on replayed
 * sequences `states` [K+1, N, S] and `actions` [K, N, A]:
 *   -mean_N [ sum_i w_i (r(z_i, a_i) - KL(m(z_{i+1} | z_i, a_i) || e_targ(z_{i+1} | s_{i+1})))
 *             + w_K min_j Q_j(z_K, pi(z_K) + noise) ]
 * with z_0 ~ e(z | s_0), z_{i+1} ~ m(. | z_i, a_i) reparameterised, w_i = gamma^i or 1.
 * The target encoder, the action at z_K and nothing else are stopped; the caller applies the
 * gradients to the encoder and model only (the reward and Q networks are fixed here).
 */
export function lowerBoundLoss(
  f: AlmFunctions,
  batch: { states: tf.Tensor; actions: tf.Tensor },
  o: LowerBoundOptions,
): tf.Scalar {
  return tf.tidy(() => {
    const horizon = checkSequence(batch.states, batch.actions, 'lowerBoundLoss');
    const states = timeSteps(batch.states);
    const actions = timeSteps(batch.actions);
    let z = rsample(f.encode(states[0] as tf.Tensor), o.noise);
    let objective: tf.Tensor = tf.zeros([z.shape[0] as number]);
    for (let i = 0; i < horizon; i++) {
      const weight = o.discount ? o.gamma ** i : 1;
      const a = actions[i] as tf.Tensor;
      const prior = f.model(z, a);
      let term = f.reward(z, a);
      if (o.klTerm) {
        const target = f.encodeTarget(states[i + 1] as tf.Tensor);
        const posterior = { mean: stopGradient(target.mean), std: stopGradient(target.std) };
        term = tf.sub(term, klNormal(prior, posterior as Normal));
      }
      objective = tf.add(objective, tf.mul(weight, term));
      z = rsample(prior, o.noise);
    }
    if (o.valueTerm) {
      const a = stopGradient(noisyPolicy(f, z, o));
      const q = tf.minimum(...f.critic(z, a));
      objective = tf.add(objective, tf.mul(o.discount ? o.gamma ** horizon : 1, q));
    }
    return tf.neg(tf.mean(objective)) as tf.Scalar;
  });
}

/** Options of {@link policyLoss}. */
export interface PolicyLossOptions extends PolicyNoise {
  /** Rollout length K. */
  horizon: number;
  gamma: number;
  /** Weight of the rollout lengths 1..K (Table 3: 0.95). */
  lambda: number;
  /** c of the classifier reward c log(C / (1 - C)); 0 is the "no classifier reward" ablation. */
  classifierRewardScale: number;
  /** Keep Q as the value beyond the rollout (ablation flag). */
  valueTerm: boolean;
}

/**
 * The negated policy objective of ALM eq. 8 with the lambda-weighted average over rollout
 * lengths 1..K (appendix D). From z_0 [N, Z] (a target-encoder sample), the policy acts with
 * clipped noise on stop-gradient latents and the model imagines K steps (reparameterised);
 *   reward_i = r(z_i, a_i) + c * logit C(z_i, a_i, stopgrad(z_{i+1})),
 *   value_i = min_j Q_j(z_i, stopgrad(a_i)),  i = 0..K,
 *   R = lambdaReturn(reward, value, gamma, lambda), loss = -mean(gamma^i R_i)
 * as in the reference code, which averages the estimate from every imagined step.
 */
export function policyLoss(f: AlmFunctions, z0: tf.Tensor, o: PolicyLossOptions): tf.Scalar {
  return tf.tidy(() => {
    if (!Number.isInteger(o.horizon) || o.horizon < 1) {
      throw new Error(`policyLoss: horizon must be a positive integer, got ${o.horizon}`);
    }
    const zs: tf.Tensor[] = [z0];
    const as: tf.Tensor[] = [];
    for (let i = 0; i <= o.horizon; i++) {
      as.push(noisyPolicy(f, stopGradient(zs[i] as tf.Tensor), o));
      if (i < o.horizon) zs.push(rsample(f.model(zs[i] as tf.Tensor, as[i] as tf.Tensor), o.noise));
    }
    const rewards: tf.Tensor[] = [];
    for (let i = 0; i < o.horizon; i++) {
      const z = zs[i] as tf.Tensor;
      const a = as[i] as tf.Tensor;
      let r = f.reward(z, a);
      if (o.classifierRewardScale > 0) {
        const logit = f.classifierLogit(z, a, stopGradient(zs[i + 1] as tf.Tensor));
        r = tf.add(r, tf.mul(o.classifierRewardScale, logit));
      }
      rewards.push(r);
    }
    const values = zs.map((z, i) =>
      o.valueTerm
        ? tf.minimum(...f.critic(z, stopGradient(as[i] as tf.Tensor)))
        : tf.zeros([z.shape[0] as number]),
    );
    const returns = lambdaReturn({
      rewards: tf.stack(rewards),
      values: tf.stack(values),
      discounts: o.gamma,
      lambda: o.lambda,
    });
    return tf.neg(tf.mean(tf.mul(cumulativeDiscounts(o.gamma, returns), returns))) as tf.Scalar;
  });
}

/**
 * The classifier's cross-entropy (ALM eq. 9, negated): real next latents z' ~ e(. | s') are
 * labelled 1, model samples z^ ~ m(. | z, a) labelled 0, from the same (z, a):
 *   1/2 [ mean -log C(z, a, z') + mean -log(1 - C(z, a, z^)) ].
 * (The reference code labels a random half of the batch each way; this uses both for every
 * pair, which has the same expectation.)
 */
export function classifierLoss(
  f: AlmFunctions,
  b: { z: tf.Tensor; actions: tf.Tensor; zNext: tf.Tensor; zNextModel: tf.Tensor },
): tf.Scalar {
  return tf.tidy(() => {
    const real = f.classifierLogit(b.z, b.actions, b.zNext);
    const fake = f.classifierLogit(b.z, b.actions, b.zNextModel);
    // -log sigmoid(l) = softplus(-l); -log(1 - sigmoid(l)) = softplus(l).
    return tf.mul(
      0.5,
      tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))),
    ) as tf.Scalar;
  });
}

/**
 * The TD loss of ALM eq. 10 for both Q networks, with TD3's clipped double-Q target:
 *   y = r + gamma d min_j Qtarg_j(z', pi(z') + clipped noise),
 *   loss = 1/2 [ mean (Q1(z, a) - y)^2 + mean (Q2(z, a) - y)^2 ]
 * where d [N] is the environment's continuation (0 at a terminal state).
 */
export function tdLoss(
  f: AlmFunctions,
  b: {
    z: tf.Tensor;
    actions: tf.Tensor;
    rewards: tf.Tensor;
    discounts: tf.Tensor;
    zNext: tf.Tensor;
  },
  o: PolicyNoise & { gamma: number },
): tf.Scalar {
  return tf.tidy(() => {
    const next = stopGradient(noisyPolicy(f, b.zNext, o));
    const targetQ = tf.minimum(...f.criticTarget(b.zNext, next));
    const y = stopGradient(tf.add(b.rewards, tf.mul(tf.mul(o.gamma, b.discounts), targetQ)));
    const [q1, q2] = f.critic(b.z, b.actions);
    const mse = (q: tf.Tensor) => tf.mean(tf.square(tf.sub(q, y)));
    return tf.mul(0.5, tf.add(mse(q1), mse(q2))) as tf.Scalar;
  });
}

/** The reward loss of ALM eq. 11: mean (r(z, a) - r)^2 on real transitions. */
export function rewardLoss(
  f: AlmFunctions,
  b: { z: tf.Tensor; actions: tf.Tensor; rewards: tf.Tensor },
): tf.Scalar {
  return tf.tidy(
    () => tf.mean(tf.square(tf.sub(f.reward(b.z, b.actions), b.rewards))) as tf.Scalar,
  );
}

/**
 * The model-free variant's actor loss (TD3/DDPG style): -mean min_j Q_j(z, pi(z) + clipped
 * noise), gradients through the action into the policy.
 */
export function modelFreeActorLoss(f: AlmFunctions, z: tf.Tensor, o: PolicyNoise): tf.Scalar {
  return tf.tidy(() => {
    const q = tf.minimum(...f.critic(stopGradient(z), noisyPolicy(f, stopGradient(z), o)));
    return tf.neg(tf.mean(q)) as tf.Scalar;
  });
}

function checkSequence(states: tf.Tensor, actions: tf.Tensor, where: string): number {
  if (actions.rank !== 3 || (actions.shape[0] as number) < 1) {
    throw new Error(`${where}: actions must be [K, N, A] with K >= 1, got [${actions.shape}]`);
  }
  const [k, n] = actions.shape as [number, number, number];
  if (states.rank !== 3 || states.shape[0] !== k + 1 || states.shape[1] !== n) {
    throw new Error(
      `${where}: states must be [K + 1 = ${k + 1}, N = ${n}, S] for actions [${actions.shape}], got [${states.shape}]`,
    );
  }
  return k;
}
