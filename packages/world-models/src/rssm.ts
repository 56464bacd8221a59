import { Dense, GRUCell, Module, type ModuleOptions, tf } from '@vmbrl/tensor';
import { GaussianHead, type LatentCore, reparameterize, tidyTree } from './latent.js';
import type { LatentState } from './types.js';

/** A second seed for the prior draw of an observe step, distinct from the posterior's. */
function priorSeed(seed: number): number {
  return (seed ^ 0x9e3779b9) >>> 0;
}

/** Sizes shared by the latent cores. */
export interface CoreSizes {
  actionDim: number;
  embedSize: number;
  deterSize: number;
  stochSize: number;
  hiddenSize: number;
  minStd: number;
}

/**
 * Recurrent state-space model (PlaNet eq. 4):
 *   h_t = GRU(h_{t-1}, relu(W [s_{t-1}, a_{t-1}])),  prior p(s_t | h_t),  posterior q(s_t | h_t, e_t).
 *
 * With `meanOnly` the sample is replaced by the mean of its distribution, so every transition is
 * deterministic: this is the `rnn` variant (PlaNet figure 2a, the reference code's mean-only
 * switch). Its prior is still trained towards the posterior by the KL term.
 */
export class RSSM extends Module implements LatentCore {
  readonly featureSize: number;
  readonly stochSize: number;
  readonly deterSize: number;
  private readonly input: Dense;
  private readonly gru: GRUCell;
  private readonly prior: GaussianHead;
  private readonly posterior: GaussianHead;

  constructor(
    private readonly sizes: CoreSizes,
    private readonly meanOnly: boolean,
    options: ModuleOptions,
  ) {
    super(meanOnly ? 'rnn' : 'rssm', options);
    const { actionDim, embedSize, deterSize, stochSize, hiddenSize, minStd } = sizes;
    this.stochSize = stochSize;
    this.deterSize = deterSize;
    this.featureSize = deterSize + stochSize;
    this.input = this.addChild(
      new Dense(stochSize + actionDim, hiddenSize, {
        activation: 'relu',
        ...this.childOptions('input'),
      }),
    );
    this.gru = this.addChild(new GRUCell(hiddenSize, deterSize, this.childOptions('gru')));
    this.prior = this.addChild(
      new GaussianHead(deterSize, hiddenSize, stochSize, minStd, this.childOptions('prior')),
    );
    this.posterior = this.addChild(
      new GaussianHead(
        deterSize + embedSize,
        hiddenSize,
        stochSize,
        minStd,
        this.childOptions('posterior'),
      ),
    );
  }

  initialState(n: number): LatentState {
    return tidyTree(() => ({
      deter: tf.zeros([n, this.sizes.deterSize]) as tf.Tensor2D,
      stoch: tf.zeros([n, this.sizes.stochSize]) as tf.Tensor2D,
      mean: tf.zeros([n, this.sizes.stochSize]) as tf.Tensor2D,
      std: tf.ones([n, this.sizes.stochSize]) as tf.Tensor2D,
    }));
  }

  /** h_t = f(h_{t-1}, s_{t-1}, a_{t-1}) — the deterministic state model of PlaNet eq. 4. */
  private deterStep(prev: LatentState, action: tf.Tensor2D): tf.Tensor2D {
    if (prev.deter === null) throw new Error('RSSM: previous state has no deterministic part');
    const x = this.input.apply(tf.concat([prev.stoch, action], -1)) as tf.Tensor2D;
    return this.gru.apply(x, prev.deter) as tf.Tensor2D;
  }

  private draw(mean: tf.Tensor2D, std: tf.Tensor2D, seed: number): tf.Tensor2D {
    return this.meanOnly ? tf.clone(mean) : reparameterize(mean, std, seed);
  }

  imagineStep(prev: LatentState, action: tf.Tensor2D, seed: number): LatentState {
    return tidyTree(() => {
      const deter = this.deterStep(prev, action);
      const { mean, std } = this.prior.apply(deter);
      return { deter, stoch: this.draw(mean, std, seed), mean, std };
    });
  }

  observeStep(
    prev: LatentState,
    action: tf.Tensor2D,
    embed: tf.Tensor2D,
    seed: number,
  ): { prior: LatentState; posterior: LatentState } {
    return tidyTree(() => {
      const deter = this.deterStep(prev, action);
      const p = this.prior.apply(deter);
      const q = this.posterior.apply(tf.concat([deter, embed], -1) as tf.Tensor2D);
      const prior = { deter, stoch: this.draw(p.mean, p.std, priorSeed(seed)), ...p };
      const posterior = { deter, stoch: this.draw(q.mean, q.std, seed), mean: q.mean, std: q.std };
      return { prior, posterior };
    });
  }
}

/**
 * Purely stochastic state-space model (PlaNet figure 2b):
 *   prior p(s_t | s_{t-1}, a_{t-1}) from relu(W [s_{t-1}, a_{t-1}]),
 *   posterior q(s_t | s_{t-1}, a_{t-1}, e_t) from that hidden layer and the embedding.
 * Features are s_t alone.
 */
export class SSM extends Module implements LatentCore {
  readonly featureSize: number;
  readonly stochSize: number;
  readonly deterSize = 0;
  private readonly transition: Dense;
  private readonly prior: GaussianHead;
  private readonly posterior: GaussianHead;

  constructor(
    private readonly sizes: CoreSizes,
    options: ModuleOptions,
  ) {
    super('ssm', options);
    const { actionDim, embedSize, stochSize, hiddenSize, minStd } = sizes;
    this.stochSize = stochSize;
    this.featureSize = stochSize;
    this.transition = this.addChild(
      new Dense(stochSize + actionDim, hiddenSize, {
        activation: 'relu',
        ...this.childOptions('transition'),
      }),
    );
    this.prior = this.addChild(
      new GaussianHead(hiddenSize, hiddenSize, stochSize, minStd, this.childOptions('prior')),
    );
    this.posterior = this.addChild(
      new GaussianHead(
        hiddenSize + embedSize,
        hiddenSize,
        stochSize,
        minStd,
        this.childOptions('posterior'),
      ),
    );
  }

  initialState(n: number): LatentState {
    return tidyTree(() => ({
      deter: null,
      stoch: tf.zeros([n, this.sizes.stochSize]) as tf.Tensor2D,
      mean: tf.zeros([n, this.sizes.stochSize]) as tf.Tensor2D,
      std: tf.ones([n, this.sizes.stochSize]) as tf.Tensor2D,
    }));
  }

  private hidden(prev: LatentState, action: tf.Tensor2D): tf.Tensor2D {
    return this.transition.apply(tf.concat([prev.stoch, action], -1)) as tf.Tensor2D;
  }

  imagineStep(prev: LatentState, action: tf.Tensor2D, seed: number): LatentState {
    return tidyTree(() => {
      const { mean, std } = this.prior.apply(this.hidden(prev, action));
      return { deter: null, stoch: reparameterize(mean, std, seed), mean, std };
    });
  }

  observeStep(
    prev: LatentState,
    action: tf.Tensor2D,
    embed: tf.Tensor2D,
    seed: number,
  ): { prior: LatentState; posterior: LatentState } {
    return tidyTree(() => {
      const hidden = this.hidden(prev, action);
      const p = this.prior.apply(hidden);
      const q = this.posterior.apply(tf.concat([hidden, embed], -1) as tf.Tensor2D);
      return {
        prior: { deter: null, stoch: reparameterize(p.mean, p.std, priorSeed(seed)), ...p },
        posterior: { deter: null, stoch: reparameterize(q.mean, q.std, seed), ...q },
      };
    });
  }
}
