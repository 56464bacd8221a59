/**
 * Recurrent cells and the normalisation the study's models need beyond `@vmbrl/tensor`'s GRU:
 * an LSTM cell (R_recurrent, Table 8), a convolutional LSTM cell and a layer norm over feature
 * maps (SV2P's tower, Babaeizadeh et al. 2018 / Finn et al. 2016).
 */
import { Conv2D, Dense, Module, type ModuleOptions, tf } from '@vmbrl/tensor';
import { splitChannels } from './channels.js';

/** Hidden and cell state of an (conv) LSTM: [N, units] or [N, H, W, channels]. */
export interface LstmState<T extends tf.Tensor = tf.Tensor> {
  h: T;
  c: T;
}

/**
 * Added to the forget gate's pre-activation: 1, as TensorFlow's LSTM cells (forget_bias) and
 * Keras' unit_forget_bias start, so the cell keeps its memory at initialisation.
 */
const FORGET_BIAS = 1;

/** One LSTM update from the four gate pre-activations i, j, f, o. */
function lstmUpdate<T extends tf.Tensor>([i, j, f, o]: T[], c: T): LstmState<T> {
  const cell = tf.add(
    tf.mul(tf.sigmoid(tf.add(f as T, FORGET_BIAS)), c),
    tf.mul(tf.sigmoid(i as T), tf.tanh(j as T)),
  ) as T;
  return { h: tf.mul(tf.sigmoid(o as T), tf.tanh(cell)) as T, c: cell };
}

/**
 * LSTM cell: [i, j, f, o] = [x, h] W + b; c' = sigma(f + 1) c + sigma(i) tanh(j);
 * h' = sigma(o) tanh(c'). Child `gates` (Dense [in + units, 4 units]).
 */
export class LSTMCell extends Module {
  private readonly gates: Dense;

  constructor(
    readonly inDim: number,
    readonly units: number,
    options: ModuleOptions = {},
  ) {
    super('lstm', options);
    this.gates = this.addChild(new Dense(inDim + units, 4 * units, this.childOptions('gates')));
  }

  /** The zero state for `n` rows. */
  initialState(n: number): LstmState<tf.Tensor2D> {
    return { h: tf.zeros([n, this.units]), c: tf.zeros([n, this.units]) };
  }

  /** x [N, in], state [N, units] -> next state (h is the output). */
  apply(x: tf.Tensor2D, state: LstmState<tf.Tensor2D>): LstmState<tf.Tensor2D> {
    const gates = this.gates.apply(tf.concat([x, state.h], -1)) as tf.Tensor2D;
    return lstmUpdate(tf.split(gates, 4, -1) as tf.Tensor2D[], state.c);
  }
}

/**
 * Convolutional LSTM (Shi et al. 2015, as TensorFlow's ConvLSTMCell that SV2P uses): the gates
 * are a 'same' convolution of [x, h] with `kernelSize` x `kernelSize` filters, no peepholes,
 * computed as conv(x) + conv(h) (the same map; it avoids a channel concat, slow on wasm).
 * Children `input` (Conv2D [k, k, in, 4 channels]) and `recurrent` ([k, k, channels, 4 channels]).
 */
export class ConvLSTMCell extends Module {
  private readonly input: Conv2D;
  private readonly recurrent: Conv2D;

  constructor(
    readonly inChannels: number,
    readonly channels: number,
    kernelSize: number,
    options: ModuleOptions = {},
  ) {
    super('convlstm', options);
    const conv = (name: string, inC: number) =>
      this.addChild(
        new Conv2D(inC, 4 * channels, { ...this.childOptions(name), kernelSize, padding: 'same' }),
      );
    this.input = conv('input', inChannels);
    this.recurrent = conv('recurrent', channels);
  }

  /** The zero state for `n` maps of `size` x `size`. */
  initialState(n: number, size: number): LstmState<tf.Tensor4D> {
    const shape: [number, number, number, number] = [n, size, size, this.channels];
    return { h: tf.zeros(shape), c: tf.zeros(shape) };
  }

  /** x [N, H, W, in], state [N, H, W, channels] -> next state (h is the output). */
  apply(x: tf.Tensor4D, state: LstmState<tf.Tensor4D>): LstmState<tf.Tensor4D> {
    const gates = tf.add(this.input.apply(x), this.recurrent.apply(state.h)) as tf.Tensor4D;
    const c = this.channels;
    return lstmUpdate(splitChannels(gates, [c, c, c, c]), state.c);
  }
}

/**
 * Layer normalisation of feature maps [N, H, W, C] over (H, W, C) per sample, with a scale and
 * offset per channel (TensorFlow's contrib layer_norm, which SV2P applies after each layer).
 * Variables `gamma`, `beta` [C]. Epsilon 1e-5 (contrib uses 1e-12; the larger value keeps the
 * gradient finite on maps that are constant, e.g. all zero after a ReLU).
 */
export class SpatialLayerNorm extends Module {
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;

  constructor(
    readonly channels: number,
    options: ModuleOptions = {},
  ) {
    super('layernorm', options);
    this.gamma = this.addVariable('gamma', new Float32Array(channels).fill(1), [channels]);
    this.beta = this.addVariable('beta', new Float32Array(channels), [channels]);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, [1, 2, 3], true);
      const normalised = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
      return tf.add(tf.mul(normalised, this.gamma), this.beta) as tf.Tensor4D;
    });
  }
}
