import { cem } from '@vmbrl/planners';
/**
 * Workload w2 as the PyTorch anchor defines it (../shared/anchors/torch_reference/planet_bench.py,
 * `cem_plan`): one CEM action selection, J = 1000, H = 12, I = 10, K = 100, action dim 6, under a
 * fixed randomly initialised RSSM prior (stoch 30, deter 200, hidden 200) and reward head
 * (2 x 200 ReLU). Per step and candidate:
 *   h' = GRU(relu(W_sa [s, a]), h);  [mu, raw] = W_o relu(W_p h');  s' = mu + (softplus(raw) + 0.1) eps
 *   return += reward(relu(relu([h', s'] W1) W2) W3)
 * from one start state (h0, s0) ~ N(0, 1) tiled over J. Everything stays on the tensor backend
 * (a TensorSequenceScorer); only the chosen action is downloaded.
 * Needs built packages: npx -y pnpm@10 exec turbo run build --filter=@vmbrl/planners...
 */
import { Dense, GRUCell, Rng, tf } from '@vmbrl/tensor';

export const W2 = {
  J: 1000,
  H: 12,
  I: 10,
  K: 100,
  actionDim: 6,
  stoch: 30,
  deter: 200,
  hidden: 200,
};
const MIN_STD = 0.1;

/** The anchor's RSSM prior and reward head as a TensorSequenceScorer from a fixed start state. */
export class RssmPriorScorer {
  constructor({ seed = 0, stoch = W2.stoch, deter = W2.deter, hidden = W2.hidden } = {}) {
    this.actionDim = W2.actionDim;
    this.stoch = stoch;
    const init = new Rng(seed);
    const layer = (name, inDim, outDim, activation) =>
      new Dense(inDim, outDim, { activation, name, seed: init.seed32() });
    this.stateAction = layer('fc_sa', stoch + W2.actionDim, hidden, 'relu');
    this.gru = new GRUCell(hidden, deter, { name: 'gru', seed: init.seed32() });
    this.priorHidden = layer('prior_h', deter, hidden, 'relu');
    this.priorOut = layer('prior_out', hidden, 2 * stoch, 'linear');
    this.reward1 = layer('reward/1', deter + stoch, hidden, 'relu');
    this.reward2 = layer('reward/2', hidden, hidden, 'relu');
    this.reward3 = layer('reward/3', hidden, 1, 'linear');
    this.noise = new Rng(seed + 2);
    this.h0 = tf.keep(tf.randomNormal([1, deter], 0, 1, 'float32', this.noise.seed32()));
    this.s0 = tf.keep(tf.randomNormal([1, stoch], 0, 1, 'float32', this.noise.seed32()));
  }

  /** Sum of predicted rewards over the horizon for actions [J, H, A] -> [J]. */
  scoreTensor(actions) {
    return tf.tidy(() => {
      const [J, H] = actions.shape;
      let h = tf.tile(this.h0, [J, 1]);
      let s = tf.tile(this.s0, [J, 1]);
      let total = tf.zeros([J]);
      const perStep = tf.unstack(actions, 1); // H x [J, A]
      for (let t = 0; t < H; t++) {
        h = this.gru.apply(this.stateAction.apply(tf.concat([s, perStep[t]], 1)), h);
        const [mean, raw] = tf.split(this.priorOut.apply(this.priorHidden.apply(h)), 2, 1);
        const std = tf.add(tf.softplus(raw), MIN_STD);
        s = tf.add(
          mean,
          tf.mul(std, tf.randomNormal([J, this.stoch], 0, 1, 'float32', this.noise.seed32())),
        );
        const features = tf.concat([h, s], 1);
        const reward = this.reward3.apply(this.reward2.apply(this.reward1.apply(features)));
        total = tf.add(total, tf.reshape(reward, [J]));
      }
      return total;
    });
  }

  dispose() {
    for (const m of [
      this.stateAction,
      this.gru,
      this.priorHidden,
      this.priorOut,
      this.reward1,
      this.reward2,
      this.reward3,
    ]) {
      for (const v of m.trainableVariables()) v.dispose();
    }
    this.h0.dispose();
    this.s0.dispose();
  }
}

/** w2 at the given sizes; `select()` plans one action and resolves to it. */
export function createW2({ J = W2.J, H = W2.H, I = W2.I, K = W2.K, seed = 0 } = {}) {
  const scorer = new RssmPriorScorer({ seed });
  const rng = new Rng(seed + 1);
  return {
    scorer,
    select: async () =>
      (await cem(scorer, { horizon: H, iterations: I, candidates: J, topK: K, rng })).action,
    dispose: () => scorer.dispose(),
  };
}
