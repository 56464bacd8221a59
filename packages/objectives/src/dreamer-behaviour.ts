import { Adam, Rng, stopGradient, tf } from '@vmbrl/tensor';
import { actorLoss, valueLoss } from './dreamer-losses.js';
import {
  ActionModel,
  type ActionModelOptions,
  ValueModel,
  type ValueModelOptions,
} from './dreamer-models.js';
import { type NoiseSource, seededNoise } from './noise.js';
import { cumulativeDiscounts, lambdaReturn, nStepReturn, rewardSumReturn } from './returns.js';
import { TargetNetwork } from './target-network.js';

/** What an imagined rollout gives back (time-major; features[t] goes with rewards[t]). */
export interface ImaginedTrajectory {
  /** Model states [H, N, F] along the rollout. */
  features: tf.Tensor;
  /** Predicted reward of each state [H, N]. */
  rewards: tf.Tensor;
  /** Optional per-step discounts [H, N] (gamma times a predicted continuation); default gamma. */
  discounts?: tf.Tensor;
}

/** Policy handed to the imagination: features [N, F] -> reparameterised actions [N, A]. */
export type ImaginationPolicy = (features: tf.Tensor) => tf.Tensor;

/**
 * Rolls a frozen world model forward with `policy` and returns the trajectory. It must be
 * differentiable with respect to the actions the policy returns (Dreamer backpropagates the
 * value estimates through the dynamics into the actor).
 */
export type Imagine = (policy: ImaginationPolicy) => ImaginedTrajectory;

/**
 * Value estimate the actor maximises: V_lambda (Dreamer eq. 6), V_R (Dreamer eq. 4, no value
 * model), V_N^k (Dreamer eq. 5).
 */
export type ValueEstimate = 'lambda' | 'reward' | { nStep: number };

/** Options of {@link DreamerBehaviour}; defaults follow the paper (appendix B). */
export interface DreamerBehaviourOptions {
  /** Default 0.99. */
  gamma?: number;
  /** Default 0.95. */
  lambda?: number;
  /** Default 'lambda'. 'reward' is the "no value model" ablation (the value model is not trained). */
  valueEstimate?: ValueEstimate;
  /** Actor Adam learning rate. Default 3e-4 (paper; reference code 8e-5). */
  actorLr?: number;
  /** Value Adam learning rate. Default 3e-4 (paper; reference code 8e-5). */
  valueLr?: number;
  /** Adam epsilon. Default 1e-7 (Keras' default, used by the reference code). */
  adamEps?: number;
  /** Global-norm gradient clipping of both optimisers. Default 100 (reference code). */
  clipNorm?: number;
  /**
   * Copy the value network into a slow target every this many updates and compute V_lambda
   * with the copy (paper: 100). 0 uses the online value network (reference code). Default 100.
   */
  targetUpdateEvery?: number;
  /** Weight the actor and value losses by the cumulative discount (reference code). Default false. */
  discountWeighting?: boolean;
  /**
   * Weight eta of an entropy bonus in the actor loss, -mean(V) - eta * mean(-log q(a | s)) over
   * the imagined actions (not in Dreamer v1; DreamerV2 adds one). It keeps the action model
   * from collapsing onto one saturated action early, when few updates have shaped the value
   * model. Default 0 (the paper's loss).
   */
  entropyScale?: number;
  /** Feed the actor stop-gradient features, as the reference code does. Default true. */
  stopGradientActorInput?: boolean;
  actor?: ActionModelOptions;
  value?: ValueModelOptions;
  /** Seed of the initialisation and of the imagination noise. Default 0. */
  seed?: number;
}

/** Tensors of the actor step that the value step reuses. */
interface Kept {
  features: tf.Tensor;
  targets: tf.Tensor;
  weights?: tf.Tensor;
  meanReward: tf.Tensor;
}

/** Numbers reported by one {@link DreamerBehaviour.update}. */
export interface BehaviourMetrics {
  actorLoss: number;
  /** NaN when the value model is not trained (valueEstimate 'reward'). */
  valueLoss: number;
  actorGradNorm: number;
  valueGradNorm: number;
  /** Mean of the value estimates the actor maximised. */
  meanReturn: number;
  /** Mean imagined reward. */
  meanReward: number;
  /** Mean of -log q(a | s) over the imagined actions; NaN when entropyScale is 0. */
  actorEntropy: number;
}

/**
 * Dreamer's behaviour learning: an action model and a value model trained on imagined
 * trajectories with separate Adam optimisers. Only the actor's and the value model's
 * variables change in {@link update}; whatever the imagination uses (the world model) is not
 * touched even though the actor's gradients flow through it.
 */
export class DreamerBehaviour {
  readonly actor: ActionModel;
  readonly value: ValueModel;
  /** The slow value network (undefined when targetUpdateEvery = 0). */
  readonly targetValue?: TargetNetwork<ValueModel>;
  readonly actorOptimizer: Adam;
  readonly valueOptimizer: Adam;
  readonly gamma: number;
  readonly lambda: number;
  readonly valueEstimate: ValueEstimate;
  readonly targetUpdateEvery: number;
  readonly entropyScale: number;
  private readonly discountWeighting: boolean;
  private readonly stopGradientActorInput: boolean;
  private readonly noise: NoiseSource;
  private readonly noiseRng: Rng;

  constructor(
    readonly featureDim: number,
    readonly actionDim: number,
    options: DreamerBehaviourOptions = {},
  ) {
    const rng = new Rng(options.seed ?? 0);
    this.gamma = fraction(options.gamma ?? 0.99, 'gamma');
    this.lambda = fraction(options.lambda ?? 0.95, 'lambda');
    this.valueEstimate = checkEstimate(options.valueEstimate ?? 'lambda');
    this.targetUpdateEvery = options.targetUpdateEvery ?? 100;
    if (!Number.isInteger(this.targetUpdateEvery) || this.targetUpdateEvery < 0) {
      throw new Error(
        `DreamerBehaviour: targetUpdateEvery must be a non-negative integer, got ${this.targetUpdateEvery}`,
      );
    }
    this.entropyScale = options.entropyScale ?? 0;
    if (!(Number.isFinite(this.entropyScale) && this.entropyScale >= 0)) {
      throw new Error(`DreamerBehaviour: entropyScale must be >= 0, got ${this.entropyScale}`);
    }
    this.discountWeighting = options.discountWeighting ?? false;
    this.stopGradientActorInput = options.stopGradientActorInput ?? true;
    this.actor = new ActionModel(featureDim, actionDim, {
      name: 'actor',
      seed: rng.split('actor').seed32(),
      ...options.actor,
    });
    const valueOptions = { seed: rng.split('value').seed32(), ...options.value };
    this.value = new ValueModel(featureDim, { ...valueOptions, name: 'value' });
    if (this.targetUpdateEvery > 0) {
      const copy = new ValueModel(featureDim, { ...valueOptions, name: 'value_target' });
      this.targetValue = new TargetNetwork(this.value, copy);
    }
    const clipNorm = options.clipNorm ?? 100;
    const eps = options.adamEps ?? 1e-7;
    this.actorOptimizer = new Adam({ lr: options.actorLr ?? 3e-4, eps, clipNorm });
    this.valueOptimizer = new Adam({ lr: options.valueLr ?? 3e-4, eps, clipNorm });
    this.noiseRng = rng.split('imagination');
    this.noise = seededNoise(this.noiseRng);
  }

  /** The policy the imagination runs: reparameterised samples of the action model. */
  readonly policy: ImaginationPolicy = (features) =>
    tf.tidy(() =>
      this.actor.sample(
        this.stopGradientActorInput ? stopGradient(features) : features,
        this.noise,
      ),
    );

  /**
   * One behaviour update: imagine with the current actor, compute the value estimates, step
   * the actor on -mean(estimates) with gradients through the imagination, then the value
   * model on 1/2 (v - stopgrad(V))^2 of the same trajectories; then the slow target's schedule.
   */
  update(imagine: Imagine): BehaviourMetrics {
    const actorVars = this.actor.trainableVariables();
    let kept: Kept | undefined;
    // log q(a | s) of every imagined action, kept across imagine's tidy scopes for the bonus.
    const logProbs: tf.Tensor[] = [];
    const policy: ImaginationPolicy =
      this.entropyScale > 0
        ? (features) =>
            tf.tidy(() => {
              const input = this.stopGradientActorInput ? stopGradient(features) : features;
              const { action, logProb } = this.actor.sampleWithLogProb(input, this.noise);
              logProbs.push(tf.keep(logProb));
              return action;
            })
        : this.policy;
    try {
      const actorStats = tf.tidy(() => {
        let meanLogProb: tf.Tensor | undefined;
        const { value, grads } = actorGradients(() => {
          const { features, rewards, discounts } = this.checkTrajectory(imagine(policy));
          const { returns, stateFeatures, stepDiscounts } = this.estimate(
            features,
            rewards,
            discounts,
          );
          const weights = this.discountWeighting
            ? cumulativeDiscounts(stepDiscounts, returns)
            : undefined;
          // The value step reuses these trajectories (paper appendix B), without gradients.
          kept = {
            features: tf.keep(stopGradient(stateFeatures)),
            targets: tf.keep(stopGradient(returns)),
            weights: weights ? tf.keep(weights) : undefined,
            meanReward: tf.keep(tf.mean(rewards)),
          };
          const loss = actorLoss(returns, weights);
          if (logProbs.length === 0) return loss;
          meanLogProb = tf.keep(tf.mean(tf.stack(logProbs)));
          return tf.add(loss, tf.mul(this.entropyScale, meanLogProb)) as tf.Scalar;
        }, actorVars);
        const { gradNorm } = this.actorOptimizer.applyGradients(
          actorVars.map((v) => grads[v.name]),
          actorVars,
        );
        // Read after the step, not inside the taped function (one sync fewer on the hot path).
        const entropy = meanLogProb ? -(meanLogProb.dataSync()[0] as number) : Number.NaN;
        meanLogProb?.dispose();
        return { loss: value.dataSync()[0] as number, gradNorm, entropy };
      });
      const k = kept as unknown as Kept;
      const meanReturn = tf.tidy(() => tf.mean(k.targets).dataSync()[0] as number);
      const meanReward = k.meanReward.dataSync()[0] as number;
      let valueStats = { loss: Number.NaN, gradNorm: Number.NaN };
      if (this.valueEstimate !== 'reward') {
        valueStats = this.valueOptimizer.step(
          () => valueLoss(this.value.apply(k.features), k.targets, k.weights),
          this.value.trainableVariables(),
        );
        this.targetValue?.step({ every: this.targetUpdateEvery, tau: 1 });
      }
      return {
        actorLoss: actorStats.loss,
        valueLoss: valueStats.loss,
        actorGradNorm: actorStats.gradNorm,
        valueGradNorm: valueStats.gradNorm,
        meanReturn,
        meanReward,
        actorEntropy: actorStats.entropy,
      };
    } finally {
      tf.dispose(logProbs);
      const k = kept as Kept | undefined;
      if (k) tf.dispose([k.features, k.targets, k.meanReward, ...(k.weights ? [k.weights] : [])]);
    }
  }

  /** Every variable by stable name (actor, value and slow value), for checkpoints. */
  namedVariables(): Map<string, tf.Variable> {
    const all = new Map([...this.actor.namedVariables(), ...this.value.namedVariables()]);
    if (this.targetValue) {
      for (const [name, v] of this.targetValue.target.namedVariables()) all.set(name, v);
    }
    return all;
  }

  /** The optimisers by name, for checkpoints. */
  optimizers(): Record<string, Adam> {
    return { actor: this.actorOptimizer, value: this.valueOptimizer };
  }

  /** JSON state besides tensors (noise generator, target schedule) for exact resume. */
  getState(): { noiseRng: ReturnType<Rng['getState']>; targetSteps: number } {
    return { noiseRng: this.noiseRng.getState(), targetSteps: this.targetValue?.stepCount ?? 0 };
  }

  /** Restores {@link getState}. */
  setState(state: { noiseRng: ReturnType<Rng['getState']>; targetSteps: number }): void {
    this.noiseRng.setState(state.noiseRng);
    this.targetValue?.setStepCount(state.targetSteps);
  }

  /** Frees the networks and the optimiser moments. */
  dispose(): void {
    this.actor.dispose();
    this.value.dispose();
    this.targetValue?.target.dispose();
    this.actorOptimizer.dispose();
    this.valueOptimizer.dispose();
  }

  private estimate(features: tf.Tensor, rewards: tf.Tensor, discounts: tf.Tensor) {
    const horizon = features.shape[0] as number;
    if (this.valueEstimate === 'reward') {
      return {
        returns: rewardSumReturn(rewards),
        stateFeatures: features,
        stepDiscounts: discounts,
      };
    }
    const valueNet = this.targetValue ? this.targetValue.target : this.value;
    const values = valueNet.apply(features);
    const head = (x: tf.Tensor) => tf.slice(x, 0, horizon - 1);
    const inputs = {
      rewards: head(rewards),
      values: head(values),
      discounts: head(discounts),
      bootstrap: tf.squeeze(tf.slice(values, horizon - 1, 1), [0]),
    };
    const returns =
      this.valueEstimate === 'lambda'
        ? lambdaReturn({ ...inputs, lambda: this.lambda })
        : nStepReturn({ ...inputs, k: this.valueEstimate.nStep });
    return { returns, stateFeatures: head(features), stepDiscounts: inputs.discounts };
  }

  private checkTrajectory(t: ImaginedTrajectory) {
    const { features, rewards } = t;
    if (features.rank !== 3 || features.shape[2] !== this.featureDim) {
      throw new Error(
        `DreamerBehaviour: imagine must return features [H, N, ${this.featureDim}], got [${features.shape}]`,
      );
    }
    const [horizon, batch] = features.shape as [number, number, number];
    const minimum = this.valueEstimate === 'reward' ? 1 : 2;
    if (horizon < minimum) {
      throw new Error(
        `DreamerBehaviour: the imagined horizon must be >= ${minimum}, got ${horizon}`,
      );
    }
    const expected = [horizon, batch].join();
    if (rewards.shape.join() !== expected) {
      throw new Error(`DreamerBehaviour: rewards must be [${expected}], got [${rewards.shape}]`);
    }
    if (t.discounts && t.discounts.shape.join() !== expected) {
      throw new Error(
        `DreamerBehaviour: discounts must be [${expected}], got [${t.discounts.shape}]`,
      );
    }
    return { features, rewards, discounts: t.discounts ?? tf.fill([horizon, batch], this.gamma) };
  }
}

/**
 * tf.variableGrads with our message for its commonest cause here: value estimates that do not
 * depend on the action model (an `imagine` that ignores or detaches the policy's actions).
 */
function actorGradients(
  loss: () => tf.Scalar,
  actorVars: tf.Variable[],
): ReturnType<typeof tf.variableGrads> {
  try {
    return tf.variableGrads(loss, actorVars);
  } catch (error) {
    if (!String((error as Error).message).includes('Cannot find a connection')) throw error;
    throw new Error(
      "DreamerBehaviour: the value estimates do not depend on the action model's variables; imagine(policy) must step the world model with the actions the policy returns, without stopping their gradient",
    );
  }
}

function fraction(x: number, what: string): number {
  if (!(x >= 0 && x <= 1)) throw new Error(`DreamerBehaviour: ${what} must be in [0, 1], got ${x}`);
  return x;
}

function checkEstimate(estimate: ValueEstimate): ValueEstimate {
  if (estimate === 'lambda' || estimate === 'reward') return estimate;
  if (typeof estimate === 'object' && Number.isInteger(estimate.nStep) && estimate.nStep >= 1) {
    return estimate;
  }
  throw new Error(
    `DreamerBehaviour: valueEstimate must be 'lambda', 'reward' or { nStep: k >= 1 }, got ${JSON.stringify(estimate)}`,
  );
}
