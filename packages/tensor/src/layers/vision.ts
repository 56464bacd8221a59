import { validator } from '@vmbrl/core';
import * as tf from '../tf.js';
import { type Activation, applyActivation, checkActivation } from './activations.js';
import { Conv2D, Conv2DTranspose } from './conv.js';
import { Dense } from './dense.js';
import { constant, glorotUniform } from './init.js';
import { Module, type ModuleOptions } from './module.js';

/** Options of {@link ConvEncoder} and {@link ConvDecoder}. */
export interface VisionOptions extends ModuleOptions {
  /** Channel multiplier d. Default 32 (PlaNet/Dreamer). */
  depth?: number;
  /** Default 'relu' (PlaNet; Dreamer also uses relu here). */
  activation?: Activation;
}

/** Image size the encoder and decoder work on. */
export const IMAGE_SIZE = 64;

/**
 * PlaNet's image encoder (after World Models): 4 convolutions with d, 2d, 4d, 8d channels,
 * kernel 4, stride 2, 'valid', ReLU: 64 -> 31 -> 14 -> 6 -> 2, flattened to 2*2*8d = 1024.
 * Children `conv0..conv3`.
 */
export class ConvEncoder extends Module {
  readonly convs: Conv2D[] = [];
  /** Size of the embedding (32 d). */
  readonly outDim: number;

  constructor(options: VisionOptions = {}) {
    super('encoder', options);
    const depth = options.depth ?? 32;
    validator(this.name).integer('depth', depth, 1);
    const activation = checkActivation(options.activation ?? 'relu', this.name);
    let channels = 3;
    [1, 2, 4, 8].forEach((multiple, i) => {
      const conv = new Conv2D(channels, multiple * depth, {
        ...this.childOptions(`conv${i}`),
        kernelSize: 4,
        stride: 2,
        activation,
      });
      this.convs.push(this.addChild(conv));
      channels = multiple * depth;
    });
    this.outDim = 2 * 2 * channels;
  }

  /** images [..., 64, 64, 3] float -> [..., 32 d]; leading axes are batch axes. */
  apply(images: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const tail = images.shape.slice(-3);
      if (images.rank < 4 || tail.join() !== [IMAGE_SIZE, IMAGE_SIZE, 3].join()) {
        throw new Error(`${this.name}: expected images [..., 64, 64, 3], got [${images.shape}]`);
      }
      const lead = images.shape.slice(0, -3);
      let h = tf.reshape(images, [-1, IMAGE_SIZE, IMAGE_SIZE, 3]) as tf.Tensor4D;
      for (const conv of this.convs) h = conv.apply(h);
      return tf.reshape(h, [...lead, this.outDim]);
    });
  }
}

/**
 * PlaNet's image decoder: Dense(inDim -> 32 d), then transposed convolutions 4d k5, 2d k5,
 * d k6, 3 k6 (stride 2, 'valid', ReLU except the last): 1 -> 5 -> 13 -> 30 -> 64.
 * The first transposed convolution acts on a 1x1 input, so it is computed exactly as a matrix
 * product (`deconv0/kernel` [32 d, 5*5*4d], `deconv0/bias` [4d]), which is much faster than a
 * conv2dTranspose on wasm. Children `dense`, `deconv1..deconv3`.
 */
export class ConvDecoder extends Module {
  readonly dense: Dense;
  readonly firstKernel: tf.Variable;
  readonly firstBias: tf.Variable;
  readonly deconvs: Conv2DTranspose[] = [];
  private readonly depth: number;
  private readonly activation: Activation;

  constructor(
    readonly inDim: number,
    options: VisionOptions & { outChannels?: number } = {},
  ) {
    super('decoder', options);
    const depth = options.depth ?? 32;
    validator(this.name).integer('depth', depth, 1);
    validator(this.name).integer('inDim', inDim, 1);
    this.depth = depth;
    this.activation = checkActivation(options.activation ?? 'relu', this.name);
    const hidden = 32 * depth;
    this.dense = this.addChild(new Dense(inDim, hidden, this.childOptions('dense')));
    // Glorot fans of the equivalent conv2dTranspose kernel [5, 5, 4d, 32d].
    const firstOut = 5 * 5 * 4 * depth;
    this.firstKernel = this.addVariable(
      'deconv0/kernel',
      glorotUniform(hidden * firstOut, 25 * 4 * depth, 25 * hidden, this.rngFor('deconv0/kernel')),
      [hidden, firstOut],
    );
    this.firstBias = this.addVariable('deconv0/bias', constant(4 * depth, 0), [4 * depth]);
    const specs: Array<[number, number, number]> = [
      [4 * depth, 2 * depth, 5],
      [2 * depth, depth, 6],
      [depth, options.outChannels ?? 3, 6],
    ];
    specs.forEach(([inC, outC, k], i) => {
      const last = i === specs.length - 1;
      const deconv = new Conv2DTranspose(inC, outC, {
        ...this.childOptions(`deconv${i + 1}`),
        kernelSize: k,
        stride: 2,
        activation: last ? 'linear' : this.activation,
      });
      this.deconvs.push(this.addChild(deconv));
    });
  }

  /** features [..., inDim] -> images [..., 64, 64, outChannels] (the Gaussian mean). */
  apply(features: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const lead = features.shape.slice(0, -1);
      const x = this.dense.apply(tf.reshape(features, [-1, this.inDim]));
      const first = tf.reshape(tf.matMul(x as tf.Tensor2D, this.firstKernel as tf.Tensor2D), [
        -1,
        5,
        5,
        4 * this.depth,
      ]);
      let h = applyActivation(tf.add(first, this.firstBias), this.activation) as tf.Tensor4D;
      for (const deconv of this.deconvs) h = deconv.apply(h);
      return tf.reshape(h, [...lead, ...h.shape.slice(1)]);
    });
  }
}
