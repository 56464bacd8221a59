/**
 * policy-probe: does a Dreamer run's actor exploit its world model? Along noiseless episodes of
 * the checkpoint, compares what the model imagines for the actor's own actions with what the
 * simulator gives for the same actions, and the value model with the real discounted return.
 *
 *   node tools/diagnose/policy-probe.mjs RUN_DIR [--checkpoint DIR] [--episodes 1]
 *     [--every 50] [--horizon H] [--samples 8]
 *
 * --checkpoint: a copy of RUN_DIR/checkpoint taken earlier (a directory holding agent/);
 * default the run's last checkpoint. At every `--every`-th agent step of each episode, from the
 * filtered belief: `--samples` imagined rollouts of H steps with the actor's reparameterised
 * samples (as in behaviour learning); each rollout's actions are replayed open-loop in the
 * simulator restored to the same state. Prints the mean H-step reward sums (imagined / real),
 * and, over all steps, the value model's v(s_t) against the real discounted return
 * G_t = sum_k gamma^k r_{t+k} of the episode (truncated at its end, so compare early steps).
 */
import { parseArgs } from 'node:util';
import { T, loadRunAgent } from './probe-lib.mjs';

const tf = T.tf;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    checkpoint: { type: 'string' },
    episodes: { type: 'string', default: '1' },
    every: { type: 'string', default: '50' },
    horizon: { type: 'string' },
    samples: { type: 'string', default: '8' },
  },
});
const run = positionals[0];
if (!run) {
  console.error('usage: node tools/diagnose/policy-probe.mjs RUN_DIR [--checkpoint DIR] [...]');
  process.exit(2);
}
await T.initBackend({});
const { config, env, agent } = await loadRunAgent(run, {
  checkpoint: values.checkpoint,
  kind: 'dreamer',
});
const horizon = Number(values.horizon ?? config.dreamer.horizon);
const samples = Number(values.samples);
const every = Number(values.every);
const gamma = config.dreamer.gamma;
const { model, behaviour } = agent;
const fmt = (x) => x.toFixed(2).padStart(7);

/** Imagines `samples` rollouts from `belief` with the actor; imagined sums and the actions. */
function imagineFrom(belief) {
  return tf.tidy(() => {
    const tile = (x) => tf.tile(x, [samples, 1]);
    const start = {
      deter: belief.deter ? tile(belief.deter) : null,
      stoch: tile(belief.stoch),
      mean: tile(belief.mean),
      std: tile(belief.std),
    };
    const rolled = model.imagine(start, (features) => behaviour.policy(features), horizon);
    const flat = tf.reshape(rolled.features, [samples * horizon, -1]);
    const rewards = tf.reshape(model.predictReward(flat), [samples, horizon]);
    return {
      sums: Array.from(tf.sum(rewards, 1).dataSync()),
      actions: rolled.actions.arraySync(),
    };
  });
}

const overall = { imagined: 0, real: 0, probes: 0, value: [], returns: [] };
for (let e = 0; e < Number(values.episodes); e++) {
  let ts = env.reset(T.splitSeed(config.seed, `policy-probe/${e}`));
  let state = null;
  const rewards = [];
  const valueAt = [];
  let t = 0;
  while (!ts.last) {
    const result = await agent.policy({ image: ts.observation.image }, state, { explore: false });
    state = result.state;
    const v = tf.tidy(() => behaviour.value.apply(model.features(state.belief)).dataSync()[0]);
    valueAt.push(v);
    if (t > 0 && t % every === 0 && t + horizon < 500) {
      const saved = env.getState();
      const { sums, actions } = imagineFrom(state.belief);
      const real = actions.map((sequence) => {
        env.setState(saved);
        let sum = 0;
        for (const a of sequence) sum += env.step(a).reward;
        return sum;
      });
      env.setState(saved);
      const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
      const meanAction = mean(actions.map((s) => mean(s.map((a) => a[0]))));
      const meanAbs = mean(actions.map((s) => mean(s.map((a) => Math.abs(a[0])))));
      console.log(
        `ep ${e} t ${String(t).padStart(3)}: imagined ${fmt(mean(sums))} real ${fmt(mean(real))} | imagined actions mean ${fmt(meanAction)} |a| ${fmt(meanAbs)} | mode ${fmt(result.action[0])} | v ${fmt(v)}`,
      );
      overall.imagined += mean(sums);
      overall.real += mean(real);
      overall.probes += 1;
    }
    ts = env.step(result.action);
    rewards.push(ts.reward);
    t += 1;
  }
  agent.disposeState(state);
  // Real discounted return from each step (truncated at the episode end).
  const returns = new Array(rewards.length).fill(0);
  let g = 0;
  for (let k = rewards.length - 1; k >= 0; k--) {
    g = rewards[k] + gamma * g;
    returns[k] = g;
  }
  const firstHalf = Math.floor(rewards.length / 2);
  const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log(
    `ep ${e}: return ${rewards.reduce((s, r) => s + r, 0).toFixed(1)} | first half: mean v ${fmt(mean(valueAt.slice(0, firstHalf)))} real G ${fmt(mean(returns.slice(0, firstHalf)))}`,
  );
}
console.log(
  `mean over ${overall.probes} probes: imagined ${fmt(overall.imagined / overall.probes)} real ${fmt(overall.real / overall.probes)} (H = ${horizon}, ${samples} samples)`,
);
env.close();
await agent.dispose();
