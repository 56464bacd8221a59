import { Dense, MLP, Module, type ModuleOptions, Normal, splitSeed, tf } from '@vmbrl/tensor';
import type { AlmConfig } from './alm-config.js';
import type { AlmFunctions } from './alm-losses.js';
import { TargetNetwork } from './target-network.js';

/**
 * A diagonal Gaussian over the latent z from an ELU MLP: ALM's encoder e(z | s) and latent
 * model m(z' | z, a). As in the reference code (RajGhugare19/alm models.py): the mean is
 * 30 tanh(x / 30) and the std is softly bounded to [0.1, 10] by
 * std = 0.1 + softplus(10 - softplus(10 - x) - 0.1).
 */
export class GaussianMlp extends Module {
  readonly net: MLP;

  constructor(
    readonly inDim: number,
    hidden: number[],
    readonly latentDim: number,
    options: ModuleOptions = {},
  ) {
    super('gaussian_mlp', options);
    this.net = this.addChild(
      new MLP(inDim, hidden, 2 * latentDim, { ...this.childOptions('mlp'), activation: 'elu' }),
    );
  }

  /** The distribution for inputs [..., inDim] (concatenate z and a before calling the model). */
  distribution(x: tf.Tensor): Normal {
    const [mean, std] = tf.tidy(() => {
      const [raw, rawStd] = tf.split(this.net.apply(x), 2, -1) as [tf.Tensor, tf.Tensor];
      const capped = tf.sub(10, tf.softplus(tf.sub(10, rawStd)));
      return [tf.mul(30, tf.tanh(tf.div(raw, 30))), tf.add(0.1, tf.softplus(tf.sub(capped, 0.1)))];
    });
    return new Normal(mean, std);
  }
}

/**
 * The head ALM uses for the reward, the classifier and each Q network: the first hidden layer
 * has layer norm and tanh, the others ELU, then a linear output (reference code; paper
 * appendix D: "layer normalization to the value function and rewards").
 */
export class LayerNormHead extends MLP {
  constructor(inDim: number, hidden: number[], outDim: number, options: ModuleOptions = {}) {
    super(inDim, hidden, outDim, {
      ...options,
      name: options.name ?? 'head',
      activation: 'elu',
      firstLayer: { activation: 'tanh', layerNorm: true },
    });
  }
}

/** Two Q networks Q1, Q2 (z, a) -> [...] each (the losses take their minimum). */
export class TwinCritic extends Module {
  readonly q1: LayerNormHead;
  readonly q2: LayerNormHead;

  constructor(latentDim: number, actionDim: number, hidden: number[], options: ModuleOptions = {}) {
    super('critic', options);
    const inDim = latentDim + actionDim;
    this.q1 = this.addChild(new LayerNormHead(inDim, hidden, 1, this.childOptions('q1')));
    this.q2 = this.addChild(new LayerNormHead(inDim, hidden, 1, this.childOptions('q2')));
  }

  apply(z: tf.Tensor, a: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const x = tf.concat([z, a], -1);
    const out: [tf.Tensor, tf.Tensor] = [
      tf.squeeze(this.q1.apply(x), [-1]),
      tf.squeeze(this.q2.apply(x), [-1]),
    ];
    x.dispose();
    return out;
  }
}

/**
 * All of ALM's networks (encoder, latent model, deterministic policy, reward, classifier, twin
 * critic, target encoder and target critic) built from an {@link AlmConfig}, exposed to the
 * losses as {@link AlmFunctions}.
 */
export class AlmNetworks {
  readonly encoder: GaussianMlp;
  readonly model: GaussianMlp;
  /** pi(z): tanh output, actions in [-1, 1]. */
  readonly policy: MLP;
  readonly reward: LayerNormHead;
  /** One logit l, C = sigmoid(l), so log(C / (1 - C)) = l (the reference's two logits differ only by a shift). */
  readonly classifier: LayerNormHead;
  readonly critic: TwinCritic;
  readonly encoderTarget: TargetNetwork<GaussianMlp>;
  readonly criticTarget: TargetNetwork<TwinCritic>;

  constructor(
    readonly stateDim: number,
    readonly actionDim: number,
    config: AlmConfig,
    seed = 0,
  ) {
    const { latentDim: z, hidden } = config;
    const opts = (name: string) => ({ name, seed: splitSeed(seed, name) });
    this.encoder = new GaussianMlp(stateDim, hidden, z, opts('encoder'));
    this.model = new GaussianMlp(z + actionDim, config.modelHidden, z, opts('model'));
    this.policy = new MLP(z, hidden, actionDim, {
      ...opts('policy'),
      activation: 'elu',
      outActivation: 'tanh',
    });
    this.reward = new LayerNormHead(z + actionDim, hidden, 1, opts('reward'));
    this.classifier = new LayerNormHead(2 * z + actionDim, hidden, 1, opts('classifier'));
    this.critic = new TwinCritic(z, actionDim, hidden, opts('critic'));
    this.encoderTarget = new TargetNetwork(
      this.encoder,
      new GaussianMlp(stateDim, hidden, z, opts('encoder_target')),
    );
    this.criticTarget = new TargetNetwork(
      this.critic,
      new TwinCritic(z, actionDim, hidden, opts('critic_target')),
    );
  }

  /** The networks as the callables the ALM losses take. */
  functions(): AlmFunctions {
    const pair = (a: tf.Tensor, b: tf.Tensor) => tf.concat([a, b], -1);
    return {
      encode: (s) => this.encoder.distribution(s),
      encodeTarget: (s) => this.encoderTarget.target.distribution(s),
      model: (z, a) => {
        const x = pair(z, a);
        const dist = this.model.distribution(x);
        x.dispose();
        return dist;
      },
      policy: (z) => this.policy.apply(z),
      reward: (z, a) => tf.tidy(() => tf.squeeze(this.reward.apply(pair(z, a)), [-1])),
      classifierLogit: (z, a, zNext) =>
        tf.tidy(() => tf.squeeze(this.classifier.apply(tf.concat([z, a, zNext], -1)), [-1])),
      critic: (z, a) => tf.tidy(() => this.critic.apply(z, a)),
      criticTarget: (z, a) => tf.tidy(() => this.criticTarget.target.apply(z, a)),
    };
  }

  /** Variables trained by the lower bound (ALM eq. 7): encoder and latent model. */
  representationVariables(): tf.Variable[] {
    return [...this.encoder.trainableVariables(), ...this.model.trainableVariables()];
  }

  /** Variables trained by the reward and classifier losses (ALM eq. 9, 11). */
  rewardVariables(): tf.Variable[] {
    return [...this.reward.trainableVariables(), ...this.classifier.trainableVariables()];
  }

  criticVariables(): tf.Variable[] {
    return this.critic.trainableVariables();
  }

  policyVariables(): tf.Variable[] {
    return this.policy.trainableVariables();
  }

  /** Every variable (targets included) by stable name, for checkpoints. */
  namedVariables(): Map<string, tf.Variable> {
    const modules: Module[] = [
      this.encoder,
      this.model,
      this.policy,
      this.reward,
      this.classifier,
      this.critic,
      this.encoderTarget.target,
      this.criticTarget.target,
    ];
    return new Map(modules.flatMap((m) => [...m.namedVariables()]));
  }

  dispose(): void {
    for (const v of this.namedVariables().values()) v.dispose();
  }
}
