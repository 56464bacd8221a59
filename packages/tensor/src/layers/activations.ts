import * as tf from '../tf.js';

/** Activations available by name in every layer. */
export type Activation = 'relu' | 'elu' | 'tanh' | 'linear' | 'swish';

const ACTIVATIONS: readonly Activation[] = ['relu', 'elu', 'tanh', 'linear', 'swish'];

/** Checks an activation name, with an error listing the allowed ones. */
export function checkActivation(name: string, where: string): Activation {
  if (!ACTIVATIONS.includes(name as Activation)) {
    throw new Error(`${where}: unknown activation '${name}', allowed: ${ACTIVATIONS.join(', ')}`);
  }
  return name as Activation;
}

/** Applies activation `name` to `x`. */
export function applyActivation(x: tf.Tensor, name: Activation): tf.Tensor {
  switch (name) {
    case 'relu':
      return tf.relu(x);
    case 'elu':
      return tf.elu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
    case 'linear':
      return x;
  }
}
