import { Dense, Module, type ModuleOptions, Normal, tf } from '@vmbrl/tensor';
import type { LatentState } from './types.js';

/**
 * A latent transition model (RSSM, SSM or RNN) stepping N states at a time.
 * `action` is the action taken after the previous state (the one that leads into this step).
 */
export interface LatentCore {
  /** Size of the features fed to the decoder and reward head. */
  readonly featureSize: number;
  readonly stochSize: number;
  /** Size of the deterministic state (0 for the SSM). */
  readonly deterSize: number;
  /** The fixed initial state s_0 (zeros), N copies. */
  initialState(n: number): LatentState;
  /** Prior step p(s_t | s_{t-1}, a_{t-1}) (via h_t for the RSSM). */
  imagineStep(prev: LatentState, action: tf.Tensor2D, seed: number): LatentState;
  /** Prior and posterior for the same step; the posterior also sees the embedding e_t. */
  observeStep(
    prev: LatentState,
    action: tf.Tensor2D,
    embed: tf.Tensor2D,
    seed: number,
  ): { prior: LatentState; posterior: LatentState };
  trainableVariables(): tf.Variable[];
  namedVariables(): Map<string, tf.Variable>;
}

/** Features of a state: [h, s] (or s alone without h), along the last axis. */
export function stateFeatures<T extends tf.Tensor>(state: LatentState<T>): T {
  if (state.deter === null) return state.stoch;
  return tf.concat([state.deter, state.stoch], -1) as T;
}

/**
 * A dense head emitting a diagonal Gaussian: mean, and std = softplus(raw) + minStd
 * (PlaNet appendix A; min std 0.1 in the reference code). Children `hidden`, `out`.
 */
export class GaussianHead extends Module {
  private readonly hidden: Dense;
  private readonly out: Dense;

  constructor(
    inDim: number,
    hiddenSize: number,
    private readonly outDim: number,
    private readonly minStd: number,
    options: ModuleOptions,
  ) {
    super('gaussian', options);
    this.hidden = this.addChild(
      new Dense(inDim, hiddenSize, { activation: 'relu', ...this.childOptions('hidden') }),
    );
    this.out = this.addChild(new Dense(hiddenSize, 2 * outDim, this.childOptions('out')));
  }

  /** x [N, inDim] -> { mean, std } each [N, outDim]. */
  apply(x: tf.Tensor2D): { mean: tf.Tensor2D; std: tf.Tensor2D } {
    return tidyTree(() => {
      const raw = this.out.apply(this.hidden.apply(x)) as tf.Tensor2D;
      const [mean, rawStd] = tf.split(raw, [this.outDim, this.outDim], -1) as tf.Tensor2D[];
      return {
        mean: mean as tf.Tensor2D,
        std: tf.add(tf.softplus(rawStd as tf.Tensor2D), this.minStd) as tf.Tensor2D,
      };
    });
  }
}

/** Draw s = mean + std * eps with a seeded standard normal (reparameterised). */
export function reparameterize(mean: tf.Tensor2D, std: tf.Tensor2D, seed: number): tf.Tensor2D {
  return new Normal(mean, std).rsample(seed) as tf.Tensor2D;
}

/** Apply `fn` to every tensor of a state (null stays null). */
export function mapState<A extends tf.Tensor, B extends tf.Tensor>(
  state: LatentState<A>,
  fn: (x: A) => B,
): LatentState<B> {
  return {
    deter: state.deter === null ? null : fn(state.deter),
    stoch: fn(state.stoch),
    mean: fn(state.mean),
    std: fn(state.std),
  };
}

/** Stack a list of [N, ...] states along a new time axis 1 -> [N, T, ...]. */
export function stackStates(states: LatentState[]): LatentState<tf.Tensor3D> {
  const first = states[0];
  if (!first) throw new Error('stackStates: expected at least one state');
  const stack = (pick: (s: LatentState) => tf.Tensor2D) =>
    tf.stack(states.map(pick), 1) as tf.Tensor3D;
  return {
    deter: first.deter === null ? null : stack((s) => s.deter as tf.Tensor2D),
    stoch: stack((s) => s.stoch),
    mean: stack((s) => s.mean),
    std: stack((s) => s.std),
  };
}

/** [B, T, X] -> [B * T, X]. */
export function flattenTime(x: tf.Tensor3D): tf.Tensor2D {
  const [b, t, d] = x.shape;
  return tf.reshape(x, [b * t, d]);
}

/** Dispose every tensor of a state. */
export function disposeState(state: LatentState<tf.Tensor>): void {
  tf.dispose([state.stoch, state.mean, state.std]);
  if (state.deter) state.deter.dispose();
}

function collectTensors(value: unknown, out: tf.Tensor[]): tf.Tensor[] {
  if (value instanceof tf.Tensor) out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) collectTensors(v, out);
  }
  return out;
}

/** Dispose every tensor in an object tree (nulls and non-tensors are skipped). */
export function disposeTree(value: unknown, keep: ReadonlySet<tf.Tensor> = new Set()): void {
  for (const t of collectTensors(value, [])) if (!keep.has(t)) t.dispose();
}

/** The tensors of an object tree, as a set. */
export function treeTensors(value: unknown): Set<tf.Tensor> {
  return new Set(collectTensors(value, []));
}

/**
 * `tf.tidy` for any object tree of tensors (nulls allowed, which `tf.tidy` does not type):
 * tensors in the result survive and belong to the enclosing scope, all others are disposed.
 */
export function tidyTree<R>(fn: () => R): R {
  let result: R | undefined;
  tf.tidy(() => {
    result = fn();
    return collectTensors(result, []);
  });
  return result as R;
}

/** The state at the last time step of a [B, L, ...] state, as [B, ...] (e.g. a planner's belief). */
export function lastStep(state: LatentState<tf.Tensor3D>): LatentState {
  return tidyTree(() => {
    const l = state.stoch.shape[1];
    return mapState(
      state,
      (x) => tf.squeeze(tf.slice(x, [0, l - 1, 0], [-1, 1, -1]), [1]) as tf.Tensor2D,
    );
  });
}
