import { type Activation, MLP, Module, type ModuleOptions, TanhNormal, tf } from '@vmbrl/tensor';
import { type NoiseSource, rsample } from './noise.js';

/** Options of {@link ActionModel}. */
export interface ActionModelOptions extends ModuleOptions {
  /** Hidden layers. Default [300, 300, 300] (paper appendix B; reference code: 4 x 400). */
  hidden?: number[];
  /** Default 'elu'. */
  activation?: Activation;
  /** Mean squashing mean_scale * tanh(mean / mean_scale). Default 5 (reference code). */
  meanScale?: number;
  /** Standard deviation at a zero network output. Default 5 (reference code). */
  initStd?: number;
  /** Added to the softplus standard deviation. Default 1e-4 (reference code). */
  minStd?: number;
}

/**
 * Dreamer's action model q_phi(a | s): a tanh-transformed Gaussian (Dreamer eq. 3) whose mean and
 * softplus standard deviation come from a dense ELU network. As in the reference code
 * (danijar/dreamer models.py, ActionDecoder): mean = 5 tanh(mean / 5) and
 * std = softplus(x + softplus^-1(5)) + 1e-4, so a fresh network explores with std ~ 5 before
 * the tanh.
 */
export class ActionModel extends Module {
  readonly net: MLP;
  readonly meanScale: number;
  readonly minStd: number;
  private readonly rawInitStd: number;

  constructor(
    readonly featureDim: number,
    readonly actionDim: number,
    options: ActionModelOptions = {},
  ) {
    super('action_model', options);
    this.meanScale = positive(options.meanScale ?? 5, `${this.name}: meanScale`);
    const initStd = positive(options.initStd ?? 5, `${this.name}: initStd`);
    this.minStd = nonNegative(options.minStd ?? 1e-4, `${this.name}: minStd`);
    this.rawInitStd = Math.log(Math.expm1(initStd));
    this.net = this.addChild(
      new MLP(featureDim, options.hidden ?? [300, 300, 300], 2 * actionDim, {
        ...this.childOptions('mlp'),
        activation: options.activation ?? 'elu',
      }),
    );
  }

  /** The action distribution for features [..., F]: TanhNormal over [..., A]. */
  distribution(features: tf.Tensor): TanhNormal {
    const [mean, std] = tf.tidy(() => {
      const [rawMean, rawStd] = tf.split(this.net.apply(features), 2, -1) as [tf.Tensor, tf.Tensor];
      return [
        tf.mul(this.meanScale, tf.tanh(tf.div(rawMean, this.meanScale))),
        tf.add(tf.softplus(tf.add(rawStd, this.rawInitStd)), this.minStd),
      ];
    });
    return new TanhNormal(mean, std);
  }

  /** Reparameterised action tanh(mean + std eps) (gradients reach the model's variables). */
  sample(features: tf.Tensor, noise: NoiseSource): tf.Tensor {
    return tf.tidy(() => tf.tanh(rsample(this.distribution(features).base, noise)));
  }

  /**
   * Reparameterised action and its log-probability log q(a | s) (change of variables through
   * the tanh), for an entropy term in the actor loss.
   */
  sampleWithLogProb(
    features: tf.Tensor,
    noise: NoiseSource,
  ): { action: tf.Tensor; logProb: tf.Tensor } {
    return tf.tidy(() => {
      const dist = this.distribution(features);
      const u = rsample(dist.base, noise);
      return { action: tf.tanh(u), logProb: dist.logProbOfPreTanh(u) };
    });
  }

  /** tanh(mean): the action used in evaluation (before any exploration noise). */
  mode(features: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.distribution(features).mode());
  }
}

/** Options of {@link ValueModel}. */
export interface ValueModelOptions extends ModuleOptions {
  /** Hidden layers. Default [300, 300, 300] (paper; reference code 3 x 400). */
  hidden?: number[];
  /** Default 'elu'. */
  activation?: Activation;
}

/** Dreamer's value model v_xi(s): a dense ELU network with one linear output, [..., F] -> [...]. */
export class ValueModel extends Module {
  readonly net: MLP;

  constructor(
    readonly featureDim: number,
    options: ValueModelOptions = {},
  ) {
    super('value_model', options);
    this.net = this.addChild(
      new MLP(featureDim, options.hidden ?? [300, 300, 300], 1, {
        ...this.childOptions('mlp'),
        activation: options.activation ?? 'elu',
      }),
    );
  }

  /** v(s) for features [..., F] -> [...]. */
  apply(features: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.squeeze(this.net.apply(features), [-1]));
  }
}

function positive(x: number, what: string): number {
  if (!(Number.isFinite(x) && x > 0)) throw new Error(`${what} must be positive, got ${x}`);
  return x;
}

function nonNegative(x: number, what: string): number {
  if (!(Number.isFinite(x) && x >= 0)) throw new Error(`${what} must be >= 0, got ${x}`);
  return x;
}
