import { validator } from '@vmbrl/core';
import { fusedGruStep } from '../kernels/wasm/gru.js';
import * as tf from '../tf.js';
import { constant, glorotUniform } from './init.js';
import { Module, type ModuleOptions } from './module.js';

/**
 * GRU cell as in TensorFlow 1's `GRUCell` (used by PlaNet's RSSM):
 *   [r, u] = sigmoid([x, h] W_g + b_g)      (b_g initialised to 1)
 *   c      = tanh([x, r * h] W_c + b_c)
 *   h'     = u * h + (1 - u) * c
 * Variables: `gates/kernel` [in+units, 2 units], `gates/bias`, `candidate/kernel`
 * [in+units, units], `candidate/bias`.
 */
export class GRUCell extends Module {
  readonly gateKernel: tf.Variable;
  readonly gateBias: tf.Variable;
  readonly candidateKernel: tf.Variable;
  readonly candidateBias: tf.Variable;

  constructor(
    readonly inDim: number,
    readonly units: number,
    options: ModuleOptions = {},
  ) {
    super('gru', options);
    const check = validator(this.name);
    check.integer('inDim', inDim, 1);
    check.integer('units', units, 1);
    const rows = inDim + units;
    this.gateKernel = this.addVariable(
      'gates/kernel',
      glorotUniform(rows * 2 * units, rows, 2 * units, this.rngFor('gates/kernel')),
      [rows, 2 * units],
    );
    this.gateBias = this.addVariable('gates/bias', constant(2 * units, 1), [2 * units]);
    this.candidateKernel = this.addVariable(
      'candidate/kernel',
      glorotUniform(rows * units, rows, units, this.rngFor('candidate/kernel')),
      [rows, units],
    );
    this.candidateBias = this.addVariable('candidate/bias', constant(units, 0), [units]);
  }

  /**
   * One step: x [B, inDim], h [B, units] -> h' [B, units]. On wasm, when no gradient is being
   * recorded, one fused kernel (kernels/wasm/gru.c) computes the same arithmetic.
   */
  apply(x: tf.Tensor, h: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (x.rank !== 2 || x.shape[1] !== this.inDim) {
        throw new Error(`${this.name}: expected x [B, ${this.inDim}], got [${x.shape}]`);
      }
      if (h.rank !== 2 || h.shape[1] !== this.units || h.shape[0] !== x.shape[0]) {
        throw new Error(
          `${this.name}: expected h [${x.shape[0]}, ${this.units}], got [${h.shape}]`,
        );
      }
      const fused = fusedGruStep(
        x,
        h,
        this.gateKernel,
        this.gateBias,
        this.candidateKernel,
        this.candidateBias,
      );
      if (fused) return fused;
      const gates = tf.sigmoid(
        tf.add(
          tf.matMul(tf.concat([x, h], 1) as tf.Tensor2D, this.gateKernel as tf.Tensor2D),
          this.gateBias,
        ),
      );
      const [reset, update] = tf.split(gates, 2, 1) as [tf.Tensor, tf.Tensor];
      const candidate = tf.tanh(
        tf.add(
          tf.matMul(
            tf.concat([x, tf.mul(reset, h)], 1) as tf.Tensor2D,
            this.candidateKernel as tf.Tensor2D,
          ),
          this.candidateBias,
        ),
      );
      return tf.add(tf.mul(update, h), tf.mul(tf.sub(1, update), candidate));
    });
  }

  /** Zero state [batch, units]. */
  initialState(batch: number): tf.Tensor {
    return tf.zeros([batch, this.units]);
  }
}
