import { validator } from '@vmbrl/core';
import * as tf from '../tf.js';
import { type Activation, applyActivation, checkActivation } from './activations.js';
import { constant, glorotUniform } from './init.js';
import { Module, type ModuleOptions } from './module.js';

/** Options of {@link Dense}. */
export interface DenseOptions extends ModuleOptions {
  /** Default 'linear'. */
  activation?: Activation;
  /** Layer normalisation between the affine map and the activation. Default false. */
  layerNorm?: boolean;
}

/** Epsilon of layer normalisation (PyTorch's default). */
export const LAYER_NORM_EPSILON = 1e-5;

/**
 * Fully connected layer y = act(LN?(x W + b)) over the last axis; any leading axes are batch
 * axes. Variables: `kernel` [in, out], `bias` [out], and with layer norm `ln/gamma`, `ln/beta`.
 */
export class Dense extends Module {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly gamma?: tf.Variable;
  readonly beta?: tf.Variable;
  readonly activation: Activation;

  constructor(
    readonly inDim: number,
    readonly outDim: number,
    options: DenseOptions = {},
  ) {
    super('dense', options);
    const check = validator(this.name);
    check.integer('inDim', inDim, 1);
    check.integer('outDim', outDim, 1);
    this.activation = checkActivation(options.activation ?? 'linear', this.name);
    const rng = this.rngFor('kernel');
    this.kernel = this.addVariable('kernel', glorotUniform(inDim * outDim, inDim, outDim, rng), [
      inDim,
      outDim,
    ]);
    this.bias = this.addVariable('bias', constant(outDim, 0), [outDim]);
    if (options.layerNorm) {
      this.gamma = this.addVariable('ln/gamma', constant(outDim, 1), [outDim]);
      this.beta = this.addVariable('ln/beta', constant(outDim, 0), [outDim]);
    }
  }

  /** x [..., inDim] -> [..., outDim]. */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const last = x.shape[x.rank - 1];
      if (last !== this.inDim) {
        throw new Error(`${this.name}: expected input [..., ${this.inDim}], got [${x.shape}]`);
      }
      const flat = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, this.inDim]);
      // One fused kernel for product, bias and (without layer norm) relu; rounds like the
      // separate ops. tfjs runs them separately itself when it records the relu's gradient.
      const fusedRelu = this.activation === 'relu' && !this.gamma;
      let y: tf.Tensor = tf.fused.matMul({
        a: flat as tf.Tensor2D,
        b: this.kernel as tf.Tensor2D,
        bias: this.bias,
        activation: fusedRelu ? 'relu' : 'linear',
      });
      if (this.gamma && this.beta) y = layerNorm(y, this.gamma, this.beta);
      if (!fusedRelu) y = applyActivation(y, this.activation);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.outDim]);
    });
  }
}

/** Layer normalisation over the last axis with scale gamma and offset beta. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normalised = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPSILON)));
    return tf.add(tf.mul(normalised, gamma), beta);
  });
}

/** Options of {@link MLP}. */
export interface MLPOptions extends ModuleOptions {
  /** Activation of the hidden layers. Default 'relu'. */
  activation?: Activation;
  /** Layer norm in the hidden layers. Default false. */
  layerNorm?: boolean;
  /** Activation of the output layer. Default 'linear'. */
  outActivation?: Activation;
  /** Activation and layer norm of the first hidden layer, where they differ from the others. */
  firstLayer?: { activation?: Activation; layerNorm?: boolean };
}

/** Multi-layer perceptron: hidden Dense layers `h0, h1, ...` then a linear layer `out`. */
export class MLP extends Module {
  readonly layers: Dense[] = [];

  constructor(
    readonly inDim: number,
    readonly hiddenSizes: number[],
    readonly outDim: number,
    options: MLPOptions = {},
  ) {
    super('mlp', options);
    let dim = inDim;
    hiddenSizes.forEach((size, i) => {
      const layer = new Dense(dim, size, {
        ...this.childOptions(`h${i}`),
        activation: options.activation ?? 'relu',
        layerNorm: options.layerNorm ?? false,
        ...(i === 0 ? options.firstLayer : {}),
      });
      this.layers.push(this.addChild(layer));
      dim = size;
    });
    const out = new Dense(dim, outDim, {
      ...this.childOptions('out'),
      activation: options.outActivation ?? 'linear',
    });
    this.layers.push(this.addChild(out));
  }

  /** x [..., inDim] -> [..., outDim]. */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.apply(h), x));
  }
}
