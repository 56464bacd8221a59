/**
 * The study's small networks (appendix B): the last-observation encoder and dense encoders of
 * Tables 8 and 9, the reward network on images used by LTOR and OTOR, and OTLR's reward network
 * on the video model's ConvLSTM states.
 */
import { Conv2D, Dense, Module, type ModuleOptions, tf } from '@vmbrl/tensor';

/** Activations of the study's networks. */
export type StudyActivation = 'leakyRelu' | 'relu' | 'linear';

/** Slope of LeakyReLU for x < 0: 0.3, the Keras default of the study code's `LeakyReLU()`. */
export const LEAKY_ALPHA = 0.3;

function activate<T extends tf.Tensor>(x: T, activation: StudyActivation): T {
  if (activation === 'leakyRelu') return tf.leakyRelu(x, LEAKY_ALPHA);
  if (activation === 'relu') return tf.relu(x);
  return x;
}

/** Options of {@link ConvStack}. */
export interface ConvStackOptions extends ModuleOptions {
  filters: number[];
  kernelSize: number;
  /** One stride per layer. */
  strides: number[];
  padding: 'valid' | 'same';
  activation: StudyActivation;
}

/** Convolutions applied in turn, each followed by the activation. Children `conv0, conv1, ...`. */
export class ConvStack extends Module {
  private readonly convs: Conv2D[] = [];

  constructor(
    readonly inChannels: number,
    private readonly options: ConvStackOptions,
  ) {
    super('convs', options);
    if (options.strides.length !== options.filters.length) {
      throw new Error(`${this.name}: one stride per layer (${options.filters.length}) expected`);
    }
    let channels = inChannels;
    options.filters.forEach((out, i) => {
      const conv = new Conv2D(channels, out, {
        ...this.childOptions(`conv${i}`),
        kernelSize: options.kernelSize,
        stride: options.strides[i] as number,
        padding: options.padding,
      });
      this.convs.push(this.addChild(conv));
      channels = out;
    });
  }

  /** Channels of the output. */
  get outChannels(): number {
    return this.options.filters.at(-1) ?? this.inChannels;
  }

  /** Side of the output for a square input of side `size`. */
  outSize(size: number): number {
    const { kernelSize: k, strides, padding } = this.options;
    return strides.reduce(
      (s, stride) =>
        padding === 'same' ? Math.ceil(s / stride) : Math.floor((s - k) / stride) + 1,
      size,
    );
  }

  /** x [N, H, W, in] -> [N, H', W', out]. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() =>
      this.convs.reduce((h, conv) => activate(conv.apply(h), this.options.activation), x),
    );
  }
}

/** Dense layers applied in turn, each followed by the activation. Children `dense0, ...`. */
export class DenseStack extends Module {
  private readonly layers: Dense[] = [];
  readonly outDim: number;

  constructor(
    readonly inDim: number,
    units: number[],
    private readonly activation: StudyActivation,
    options: ModuleOptions = {},
  ) {
    super('dense', options);
    let dim = inDim;
    units.forEach((u, i) => {
      this.layers.push(this.addChild(new Dense(dim, u, this.childOptions(`dense${i}`))));
      dim = u;
    });
    this.outDim = dim;
  }

  /** x [..., in] -> [..., out]. */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      this.layers.reduce((h, layer) => activate(layer.apply(h), this.activation), x),
    );
  }
}

/** Widths of a reward network on images. */
export interface ImageRewardNetConfig {
  /** Conv filters, kernel 3, stride 2, 'valid', LeakyReLU (Table 8's observation encoder). */
  filters: number[];
  /** Hidden dense widths of the head, LeakyReLU; a linear unit follows (Table 9's head). */
  hidden: number[];
}

/**
 * Table 8's last-observation encoder: convolutions 3 x 3, stride 2, 'valid' (Keras' default in
 * the study code), LeakyReLU, flattened: 64 -> 31 -> 15 -> 7 -> 3, so 3 * 3 * 8 = 72 values.
 */
export class ObservationEncoder extends Module {
  private readonly convs: ConvStack;
  readonly outDim: number;

  constructor(filters: number[], options: ModuleOptions = {}) {
    super('observation', options);
    this.convs = this.addChild(
      new ConvStack(3, {
        ...this.childOptions('convs'),
        filters,
        kernelSize: 3,
        strides: filters.map(() => 2),
        padding: 'valid',
        activation: 'leakyRelu',
      }),
    );
    const side = this.convs.outSize(64);
    if (side < 1)
      throw new Error(`${this.name}: ${filters.length} stride-2 layers leave no pixels`);
    this.outDim = side * side * this.convs.outChannels;
  }

  /** images [N, 64, 64, 3] (network scale) -> [N, outDim]. */
  apply(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => tf.reshape(this.convs.apply(images), [images.shape[0], this.outDim]));
  }
}

/**
 * The reward network on one image (LTOR: on the decoded frame; OTOR: on the predicted frame).
 * The paper calls it "the reference reward model" without a table; we use Table 8's observation
 * encoder with Table 9's dense head (LeakyReLU), one reward per frame. (The study code's OTOR
 * reads all predicted frames at once; a per-frame network serves step-wise planning.)
 */
export class ImageRewardNet extends Module {
  private readonly encoder: ObservationEncoder;
  private readonly head: DenseStack;
  private readonly out: Dense;

  constructor(config: ImageRewardNetConfig, options: ModuleOptions = {}) {
    super('reward_net', options);
    this.encoder = this.addChild(new ObservationEncoder(config.filters, this.childOptions('enc')));
    this.head = this.addChild(
      new DenseStack(this.encoder.outDim, config.hidden, 'leakyRelu', this.childOptions('head')),
    );
    this.out = this.addChild(new Dense(this.head.outDim, 1, this.childOptions('out')));
  }

  /** images [N, 64, 64, 3] (network scale, x/255 - 0.5) -> rewards [N]. */
  apply(images: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => {
      const features = this.head.apply(this.encoder.apply(images));
      return tf.reshape(this.out.apply(features), [-1]) as tf.Tensor1D;
    });
  }
}

/** Widths of OTLR's reward network on ConvLSTM states. */
export interface StateRewardNetConfig {
  /** Conv filters per state map, kernel 3, strides 1, 2, 2, ..., 'same', ReLU. */
  filters: number[];
  /** Dense units each map is reduced to (ReLU). */
  perMap: number;
  /** Hidden dense widths on the concatenated maps (ReLU); a linear unit follows. */
  hidden: number[];
}

/**
 * OTLR's reward from the video model's internal states (appendix B: "the aggregated states of
 * all Conv-LSTMs of the main tower"): each state map goes through convolutions and a dense
 * layer, the results are concatenated and a dense head predicts the reward. The structure is
 * the study code's `reward_prediction_mid` (16, 8, 4 filters, 8 units, head 32, 16, 1), with
 * 'same' padding so that the 8 x 8 maps keep pixels.
 */
export class StateRewardNet extends Module {
  private readonly encoders: ConvStack[] = [];
  private readonly reducers: Dense[] = [];
  private readonly head: DenseStack;
  private readonly out: Dense;

  /** `maps`: channels and side of each state map, in the order `apply` receives them. */
  constructor(
    maps: Array<{ channels: number; size: number }>,
    config: StateRewardNetConfig,
    options: ModuleOptions = {},
  ) {
    super('state_reward', options);
    maps.forEach(({ channels, size }, i) => {
      const convs = new ConvStack(channels, {
        ...this.childOptions(`map${i}/convs`),
        filters: config.filters,
        kernelSize: 3,
        strides: config.filters.map((_, j) => (j === 0 ? 1 : 2)),
        padding: 'same',
        activation: 'relu',
      });
      this.encoders.push(this.addChild(convs));
      const side = convs.outSize(size);
      const dense = new Dense(side * side * convs.outChannels, config.perMap, {
        ...this.childOptions(`map${i}/dense`),
        activation: 'relu',
      });
      this.reducers.push(this.addChild(dense));
    });
    this.head = this.addChild(
      new DenseStack(maps.length * config.perMap, config.hidden, 'relu', this.childOptions('head')),
    );
    this.out = this.addChild(new Dense(this.head.outDim, 1, this.childOptions('out')));
  }

  /** State maps (each [N, H_i, W_i, C_i]) -> rewards [N]. */
  apply(maps: tf.Tensor4D[]): tf.Tensor1D {
    return tf.tidy(() => {
      if (maps.length !== this.encoders.length) {
        throw new Error(`${this.name}: ${maps.length} maps, expected ${this.encoders.length}`);
      }
      const reduced = maps.map((map, i) => {
        const encoded = (this.encoders[i] as ConvStack).apply(map);
        const flat = tf.reshape(encoded, [map.shape[0], -1]);
        return (this.reducers[i] as Dense).apply(flat);
      });
      const features = this.head.apply(tf.concat(reduced, -1));
      return tf.reshape(this.out.apply(features), [-1]) as tf.Tensor1D;
    });
  }
}
