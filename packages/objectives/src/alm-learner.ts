import { Adam, Rng, type RngState, tf } from '@vmbrl/tensor';
import { type AlmConfig, explorationStd, validateAlmConfig } from './alm-config.js';
import {
  classifierLoss,
  lowerBoundLoss,
  modelFreeActorLoss,
  policyLoss,
  rewardLoss,
  tdLoss,
} from './alm-losses.js';
import { AlmNetworks } from './alm-networks.js';
import { type NoiseSource, rsample, seededNoise } from './noise.js';

/** Replayed K-step sequences for the lower bound (ALM eq. 7). */
export interface AlmSequenceBatch {
  /** s_0 .. s_K [K+1, N, S]. */
  states: tf.Tensor;
  /** a_0 .. a_{K-1} [K, N, A]. */
  actions: tf.Tensor;
}

/** Replayed transitions for the reward, classifier, critic and policy updates. */
export interface AlmTransitionBatch {
  states: tf.Tensor;
  actions: tf.Tensor;
  rewards: tf.Tensor;
  nextStates: tf.Tensor;
  /** 1 where the episode continues after the transition, 0 at a terminal state [N]. */
  continues: tf.Tensor;
}

/** Numbers reported by one {@link AlmLearner.update} (NaN for a step the variant skips). */
export interface AlmMetrics {
  lowerBoundLoss: number;
  rewardLoss: number;
  classifierLoss: number;
  criticLoss: number;
  policyLoss: number;
  representationGradNorm: number;
  criticGradNorm: number;
  policyGradNorm: number;
  explorationStd: number;
}

/**
 * One ALM update in the order of the reference code (Algorithm 1 lines 6-11): the encoder and
 * model on the lower bound, then reward + classifier, critics and policy on latents from the
 * target encoder, then the EMA targets. Each group has its own Adam (Table 3: lr 1e-4, clip
 * 100). With `modelFree`, there is no model, classifier or lower bound: the encoder learns
 * through the critics' TD loss and the policy through the TD3-style actor loss.
 */
export class AlmLearner {
  readonly networks: AlmNetworks;
  readonly optimizers: Record<'representation' | 'reward' | 'critic' | 'policy', Adam>;
  private readonly noiseRng: Rng;
  private readonly noise: NoiseSource;

  constructor(
    readonly stateDim: number,
    readonly actionDim: number,
    readonly config: AlmConfig,
    seed = 0,
  ) {
    validateAlmConfig(config);
    const rng = new Rng(seed);
    this.networks = new AlmNetworks(stateDim, actionDim, config, rng.split('networks').seed32());
    const make = () => new Adam({ lr: config.lr, clipNorm: config.clipNorm });
    this.optimizers = { representation: make(), reward: make(), critic: make(), policy: make() };
    this.noiseRng = rng.split('update-noise');
    this.noise = seededNoise(this.noiseRng);
  }

  /** One update; `envStep` sets the exploration std of the policy noise in the losses. */
  update(sequence: AlmSequenceBatch, batch: AlmTransitionBatch, envStep: number): AlmMetrics {
    const c = this.config;
    const f = this.networks.functions();
    const std = explorationStd(envStep, c.exploration);
    const policyNoise = { std, clip: c.noiseClip, noise: this.noise };
    const nan = { loss: Number.NaN, gradNorm: Number.NaN };
    const net = this.networks;

    const representation = c.modelFree
      ? nan
      : this.optimizers.representation.step(
          () =>
            lowerBoundLoss(f, sequence, {
              ...policyNoise,
              gamma: c.gamma,
              klTerm: c.klTerm,
              valueTerm: c.valueTerm,
              discount: c.discountLowerBound,
            }),
          net.representationVariables(),
        );

    // Appendix D: the policy, reward, classifier and Q-function use target-encoder latents.
    const latents = tf.tidy(() => {
      const z = rsample(f.encodeTarget(batch.states), this.noise);
      return {
        z,
        zNext: rsample(f.encodeTarget(batch.nextStates), this.noise),
        zNextModel: c.modelFree ? z : rsample(f.model(z, batch.actions), this.noise),
      };
    });
    const parts = { reward: Number.NaN, classifier: Number.NaN };
    try {
      if (!c.modelFree) {
        this.optimizers.reward.step(() => {
          const r = rewardLoss(f, { ...latents, actions: batch.actions, rewards: batch.rewards });
          const k = classifierLoss(f, { ...latents, actions: batch.actions });
          parts.reward = r.dataSync()[0] as number;
          parts.classifier = k.dataSync()[0] as number;
          return tf.add(r, k);
        }, net.rewardVariables());
      }
      const criticVars = c.modelFree
        ? [...net.criticVariables(), ...net.encoder.trainableVariables()]
        : net.criticVariables();
      const critic = this.optimizers.critic.step(() => {
        const z = c.modelFree ? rsample(f.encode(batch.states), this.noise) : latents.z;
        return tdLoss(
          f,
          {
            z,
            actions: batch.actions,
            rewards: batch.rewards,
            discounts: batch.continues,
            zNext: latents.zNext,
          },
          { ...policyNoise, gamma: c.gamma },
        );
      }, criticVars);
      const policy = this.optimizers.policy.step(
        () =>
          c.modelFree
            ? modelFreeActorLoss(f, latents.z, policyNoise)
            : policyLoss(f, latents.z, {
                ...policyNoise,
                horizon: c.horizon,
                gamma: c.gamma,
                lambda: c.lambda,
                classifierRewardScale: c.classifierReward ? c.classifierRewardScale : 0,
                valueTerm: c.valueTerm,
              }),
        net.policyVariables(),
      );
      const schedule = { every: c.targetUpdateEvery, tau: c.tau };
      net.encoderTarget.step(schedule);
      net.criticTarget.step(schedule);
      return {
        lowerBoundLoss: representation.loss,
        rewardLoss: parts.reward,
        classifierLoss: parts.classifier,
        criticLoss: critic.loss,
        policyLoss: policy.loss,
        representationGradNorm: representation.gradNorm,
        criticGradNorm: critic.gradNorm,
        policyGradNorm: policy.gradNorm,
        explorationStd: std,
      };
    } finally {
      tf.dispose([latents.z, latents.zNext, latents.zNextModel]);
    }
  }

  /**
   * Actions for states [N, S]: z ~ e(z | s), a = pi(z) (+ N(0, std^2) noise when exploring,
   * std from the schedule at `envStep`; unclipped unless `noiseClip` is given, as when acting in
   * the reference code), clamped to [-1, 1].
   */
  act(
    states: tf.Tensor,
    o: { envStep: number; explore: boolean; noise: NoiseSource; noiseClip?: number },
  ): tf.Tensor {
    return tf.tidy(() => {
      const f = this.networks.functions();
      const mean = f.policy(rsample(f.encode(states), o.noise));
      if (!o.explore) return mean;
      const std = explorationStd(o.envStep, this.config.exploration);
      let eps = tf.mul(std, o.noise.standardNormal(mean.shape));
      if (o.noiseClip !== undefined) eps = tf.clipByValue(eps, -o.noiseClip, o.noiseClip);
      return tf.clipByValue(tf.add(mean, eps), -1, 1);
    });
  }

  /** JSON state besides tensors (noise generator, target schedules) for exact resume. */
  getState(): { noiseRng: RngState; encoderTargetSteps: number; criticTargetSteps: number } {
    return {
      noiseRng: this.noiseRng.getState(),
      encoderTargetSteps: this.networks.encoderTarget.stepCount,
      criticTargetSteps: this.networks.criticTarget.stepCount,
    };
  }

  /** Restores {@link getState}. */
  setState(state: { noiseRng: RngState; encoderTargetSteps: number; criticTargetSteps: number }) {
    this.noiseRng.setState(state.noiseRng);
    this.networks.encoderTarget.setStepCount(state.encoderTargetSteps);
    this.networks.criticTarget.setStepCount(state.criticTargetSteps);
  }

  dispose(): void {
    this.networks.dispose();
    for (const o of Object.values(this.optimizers)) o.dispose();
  }
}
