import { validator } from '@vmbrl/core';
import * as tf from './tf.js';

/** Options of {@link Adam}. */
export interface AdamOptions {
  /** Learning rate. */
  lr: number;
  /** Default 1e-8 (PlaNet uses 1e-4). Added to sqrt(v) as in TensorFlow's Adam. */
  eps?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Clip gradients to this global norm (TensorFlow's clip_by_global_norm). Default: none. */
  clipNorm?: number;
  /**
   * Linear learning-rate warm-up: step t uses lr * min(1, t / warmup) (PlaNet's reference code
   * warms up over its first 10k steps). Default 0 (none).
   */
  warmup?: number;
}

/** Optimiser state for checkpoints: step count and first/second moments per variable. */
export interface AdamState {
  step: number;
  /** First moments, in the order of the variables passed to `step`. */
  m: tf.Tensor[];
  /** Second moments, same order. */
  v: tf.Tensor[];
}

/** Result of one {@link Adam.step}. */
export interface StepResult {
  /** Loss before the update. */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

/**
 * Adam with optional global-norm gradient clipping and linear warm-up, in TensorFlow's
 * formulation: lr_t = w_t lr sqrt(1 - b2^t) / (1 - b1^t);  var -= lr_t m / (sqrt(v) + eps),
 * with w_t = min(1, t / warmup) (1 without warm-up).
 * The moments are kept per variable in the order of the list passed to `step`; pass the same
 * list (e.g. `module.trainableVariables()`) every time.
 */
export class Adam {
  readonly lr: number;
  readonly eps: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly clipNorm?: number;
  readonly warmup: number;
  private stepCount = 0;
  private m: tf.Variable[] = [];
  private v: tf.Variable[] = [];

  constructor(options: AdamOptions) {
    const check = validator('Adam');
    this.lr = check.number('lr', options.lr, { min: 0, minOpen: true });
    this.eps = check.number('eps', options.eps ?? 1e-8, { min: 0, minOpen: true });
    this.beta1 = check.number('beta1', options.beta1 ?? 0.9, { min: 0, max: 1, maxOpen: true });
    this.beta2 = check.number('beta2', options.beta2 ?? 0.999, { min: 0, max: 1, maxOpen: true });
    if (options.clipNorm !== undefined)
      this.clipNorm = check.number('clipNorm', options.clipNorm, { min: 0, minOpen: true });
    this.warmup = check.integer('warmup', options.warmup ?? 0, 0);
  }

  /** Number of updates done so far. */
  get iterations(): number {
    return this.stepCount;
  }

  /**
   * Computes the gradients of `lossFn` with respect to `vars`, clips them to `clipNorm` by
   * global norm and applies one Adam update. Variables the loss does not depend on are left
   * unchanged. Allocates no tensors that outlive the call.
   */
  step(lossFn: () => tf.Scalar | tf.Tensor, vars: tf.Variable[]): StepResult {
    if (vars.length === 0) throw new Error('Adam.step: no variables to optimise');
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(lossFn as () => tf.Scalar, vars);
      const { gradNorm } = this.applyGradients(
        vars.map((v) => grads[v.name]),
        vars,
      );
      return { loss: value.dataSync()[0] as number, gradNorm };
    });
  }

  /**
   * Applies gradients computed elsewhere (e.g. one `tf.variableGrads` over a sum of losses
   * split between optimisers): `grads[i]` belongs to `vars[i]`, undefined means no gradient.
   * Clips by global norm and updates; returns the pre-clip norm. Does not dispose `grads`.
   */
  applyGradients(grads: Array<tf.Tensor | undefined>, vars: tf.Variable[]): { gradNorm: number } {
    if (grads.length !== vars.length) {
      throw new Error(
        `Adam.applyGradients: ${grads.length} gradients for ${vars.length} variables`,
      );
    }
    grads.forEach((g, i) => {
      const v = vars[i] as tf.Variable;
      if (g && g.shape.join() !== v.shape.join()) {
        throw new Error(
          `Adam.applyGradients: gradient ${i} has shape [${g.shape}] but its variable [${v.shape}]`,
        );
      }
    });
    if (grads.every((g) => g === undefined)) throw new Error('Adam: no variable has a gradient');
    this.ensureSlots(vars);
    const t = this.stepCount + 1;
    const warm = this.warmup > 0 ? Math.min(1, t / this.warmup) : 1;
    const lrT = (warm * this.lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    const gradNorm = tf.tidy(() => {
      const squares = grads
        .filter((g): g is tf.Tensor => g !== undefined)
        .map((g) => tf.sum(tf.square(g)));
      const norm = tf.sqrt(tf.addN(squares)).dataSync()[0] as number;
      // clip_by_global_norm: g * clip / max(norm, clip); the norm is read first so that
      // the common unclipped case skips a multiply over every parameter.
      const scale = this.clipNorm !== undefined && norm > this.clipNorm ? this.clipNorm / norm : 1;
      grads.forEach((grad, i) => {
        if (grad === undefined) return;
        const g = scale === 1 ? grad : tf.mul(grad, scale);
        const m = this.m[i] as tf.Variable;
        const v = this.v[i] as tf.Variable;
        m.assign(tf.add(tf.mul(this.beta1, m), tf.mul(1 - this.beta1, g)));
        v.assign(tf.add(tf.mul(this.beta2, v), tf.mul(1 - this.beta2, tf.square(g))));
        const update = tf.div(tf.mul(lrT, m), tf.add(tf.sqrt(v), this.eps));
        (vars[i] as tf.Variable).assign(tf.sub(vars[i] as tf.Variable, update));
      });
      return norm;
    });
    this.stepCount = t;
    return { gradNorm };
  }

  /** Copies of the optimiser state (the caller owns the tensors). */
  getState(): AdamState {
    return {
      step: this.stepCount,
      m: this.m.map((x) => x.clone()),
      v: this.v.map((x) => x.clone()),
    };
  }

  /** Restores a state from {@link Adam.getState} (tensors are copied, not taken over). */
  setState(state: AdamState): void {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new Error(`Adam.setState: step must be a non-negative integer, got ${state.step}`);
    }
    if (state.m.length !== state.v.length) {
      throw new Error(
        `Adam.setState: ${state.m.length} first moments but ${state.v.length} second moments`,
      );
    }
    state.m.forEach((m, i) => {
      const v = state.v[i] as tf.Tensor;
      if (m.shape.join() !== v.shape.join()) {
        throw new Error(`Adam.setState: slot ${i} has m [${m.shape}] but v [${v.shape}]`);
      }
    });
    this.disposeSlots();
    this.stepCount = state.step;
    this.m = state.m.map((x) => tf.variable(x.clone(), false));
    this.v = state.v.map((x) => tf.variable(x.clone(), false));
  }

  /** Frees the moment tensors. */
  dispose(): void {
    this.disposeSlots();
  }

  private ensureSlots(vars: tf.Variable[]): void {
    if (this.m.length === 0) {
      // tidy frees the zerosLike temporaries; the variables themselves outlive it.
      this.m = tf.tidy(() => vars.map((x) => tf.variable(tf.zerosLike(x), false)));
      this.v = tf.tidy(() => vars.map((x) => tf.variable(tf.zerosLike(x), false)));
      return;
    }
    if (this.m.length !== vars.length) {
      throw new Error(
        `Adam.step: optimiser holds moments for ${this.m.length} variables but got ${vars.length}; pass the same variable list every step`,
      );
    }
    vars.forEach((x, i) => {
      const shape = (this.m[i] as tf.Variable).shape;
      if (shape.join() !== x.shape.join()) {
        throw new Error(
          `Adam.step: variable ${i} (${x.name}) has shape [${x.shape}] but its moments [${shape}]`,
        );
      }
    });
  }

  private disposeSlots(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
    this.m = [];
    this.v = [];
  }
}
