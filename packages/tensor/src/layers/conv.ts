import { validator } from '@vmbrl/core';
import * as tf from '../tf.js';
import { type Activation, applyActivation, checkActivation } from './activations.js';
import { constant, glorotUniform } from './init.js';
import { Module, type ModuleOptions } from './module.js';

/** Options of {@link Conv2D} and {@link Conv2DTranspose}. */
export interface ConvOptions extends ModuleOptions {
  kernelSize: number;
  stride?: number;
  /** Default 'valid' (as in the PlaNet/World Models networks). */
  padding?: 'valid' | 'same';
  /** Default 'linear'. */
  activation?: Activation;
}

/** What both convolutions share: the options, a Glorot-uniform kernel and a zero bias. */
export abstract class ConvLayer extends Module {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: 'valid' | 'same';
  readonly activation: Activation;

  /**
   * `transposed`: the kernel is [k, k, out, in] (tfjs' layout for conv2dTranspose), with fans as
   * TensorFlow computes them for that layout; otherwise [k, k, in, out].
   */
  protected constructor(
    defaultName: string,
    readonly inChannels: number,
    readonly outChannels: number,
    options: ConvOptions,
    transposed: boolean,
  ) {
    super(defaultName, options);
    const k = options.kernelSize;
    checkConvArgs(this.name, inChannels, outChannels, k, options.stride ?? 1);
    this.kernelSize = k;
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? 'valid';
    this.activation = checkActivation(options.activation ?? 'linear', this.name);
    const [first, second] = transposed ? [outChannels, inChannels] : [inChannels, outChannels];
    this.kernel = this.addVariable(
      'kernel',
      glorotUniform(k * k * first * second, k * k * first, k * k * second, this.rngFor('kernel')),
      [k, k, first, second],
    );
    this.bias = this.addVariable('bias', constant(outChannels, 0), [outChannels]);
  }
}

/** 2-D convolution on NHWC images. Variables: `kernel` [k, k, in, out], `bias` [out]. */
export class Conv2D extends ConvLayer {
  constructor(inChannels: number, outChannels: number, options: ConvOptions) {
    super('conv', inChannels, outChannels, options, false);
  }

  /** x [N, H, W, in] -> [N, H', W', out]. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const y = tf.conv2d(x, this.kernel as tf.Tensor4D, this.stride, this.padding);
      return applyActivation(tf.add(y, this.bias), this.activation) as tf.Tensor4D;
    });
  }
}

/**
 * Transposed 2-D convolution ("deconvolution") on NHWC images.
 * Variables: `kernel` [k, k, out, in] (tfjs' layout for conv2dTranspose), `bias` [out].
 */
export class Conv2DTranspose extends ConvLayer {
  constructor(inChannels: number, outChannels: number, options: ConvOptions) {
    super('deconv', inChannels, outChannels, options, true);
  }

  /** Output height for input height `h` (TensorFlow's conv_transpose output size). */
  outputSize(h: number): number {
    return this.padding === 'same' ? h * this.stride : (h - 1) * this.stride + this.kernelSize;
  }

  /** x [N, H, W, in] -> [N, H', W', out]. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const [n, h, w] = x.shape;
      const outShape: [number, number, number, number] = [
        n,
        this.outputSize(h),
        this.outputSize(w),
        this.outChannels,
      ];
      const y = tf.conv2dTranspose(
        x,
        this.kernel as tf.Tensor4D,
        outShape,
        this.stride,
        this.padding,
      );
      return applyActivation(tf.add(y, this.bias), this.activation) as tf.Tensor4D;
    });
  }
}

function checkConvArgs(name: string, inC: number, outC: number, k: number, stride: number) {
  const check = validator(name);
  check.integer('inChannels', inC, 1);
  check.integer('outChannels', outC, 1);
  check.integer('kernelSize', k, 1);
  check.integer('stride', stride, 1);
}
