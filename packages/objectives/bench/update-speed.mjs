// Median wall-clock of one ALM update (Table 3's networks and batch 512, or the agent's `quick`
// sizes and batch 64 with --quick) and of one Dreamer
// behaviour update on a cheap stand-in dynamics (the world model's own cost is not included).
// Run after `pnpm build`: node bench/update-speed.mjs [--repeats 5] [--quick]
import os from 'node:os';
import { scriptFlags } from '@vmbrl/core';
import { AlmLearner, DreamerBehaviour, resolveAlmConfig } from '@vmbrl/objectives';
import { initBackend, tf } from '@vmbrl/tensor';

const flags = scriptFlags('usage: node bench/update-speed.mjs [flags]', {
  repeats: { type: 'int', doc: 'timed updates per measurement', default: 5, min: 1 },
  quick: { type: 'boolean', doc: "the agent's quick sizes and batch 64", default: false },
});
const { repeats, quick } = flags;
const backend = await initBackend();

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn) {
  const times = [];
  fn(); // warm-up (creates the optimiser moments)
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

// ALM on a HalfCheetah-sized problem: state 17, action 6, K = 3.
const config = resolveAlmConfig(quick ? { hidden: [128, 128], modelHidden: [256, 256] } : {});
const learner = new AlmLearner(17, 6, config, 0);
const n = quick ? 64 : 512;
const k = config.horizon;
const sequence = {
  states: tf.randomNormal([k + 1, n, 17]),
  actions: tf.randomUniform([k, n, 6], -1, 1),
};
const batch = {
  states: tf.randomNormal([n, 17]),
  actions: tf.randomUniform([n, 6], -1, 1),
  rewards: tf.randomNormal([n]),
  nextStates: tf.randomNormal([n, 17]),
  continues: tf.ones([n]),
};
const alm = time(() => learner.update(sequence, batch, 10_000));

// Dreamer: features 230 (deter 200 + stoch 30), action 6, H = 15, N = 250 start states.
const behaviour = new DreamerBehaviour(230, 6, { seed: 0 });
const mix = tf.randomNormal([6, 230], 0, 0.1);
const start = tf.randomNormal([250, 230]);
const imagine = (policy) => {
  const features = [];
  let s = start;
  for (let t = 0; t < 15; t++) {
    s = tf.tanh(tf.add(s, tf.matMul(policy(s), mix)));
    features.push(s);
  }
  const stacked = tf.stack(features);
  return { features: stacked, rewards: tf.mean(stacked, -1) };
};
const dreamer = time(() => behaviour.update(imagine));

console.log(
  JSON.stringify({
    backend,
    repeats,
    loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
    almSizes: quick ? 'quick' : 'paper',
    almBatch: n,
    almUpdateMs: Math.round(alm),
    dreamerBehaviourUpdateMs: Math.round(dreamer),
    dreamerBatch: 250,
    dreamerHorizon: 15,
  }),
);
