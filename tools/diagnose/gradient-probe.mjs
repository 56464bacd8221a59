/**
 * gradient-probe: how much signal is in the gradient that moves Dreamer's action model? Shifts
 * every pre-tanh action mean by c and measures, batch by batch, the slope of the imagined value
 * the actor maximises, d mean(V) / dc (central difference with the same random numbers on both
 * sides), next to the simulator's slope of the real noiseless return under the same shift.
 *
 *   node tools/diagnose/gradient-probe.mjs RUN_DIR [--checkpoint DIR] [--batches 20] [--h 0.05]
 *     [--keep-behaviour] [--set batchSize=8 ...] [--real-shift 0.3] [--eval-episodes 2]
 *
 * With 1-D actions every weight of the action model moves in the direction of the batch's mean
 * action gradient, and Adam's step hardly depends on its size; so what decides whether the actor
 * climbs or random-walks is the sign of this slope from batch to batch. Prints the slopes,
 * their mean, std, the fraction that are positive and the t-statistic of the mean. The entropy
 * bonus is left out (its slope does not depend on the world model).
 */
import { parseArgs } from 'node:util';
import { A, T, loadRunAgent, readCheckpointReplay } from './probe-lib.mjs';

const tf = T.tf;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    checkpoint: { type: 'string' },
    batches: { type: 'string', default: '20' },
    h: { type: 'string', default: '0.05' },
    set: { type: 'string', multiple: true, default: [] },
    'keep-behaviour': { type: 'boolean', default: false },
    'real-shift': { type: 'string', default: '0.3' },
    'eval-episodes': { type: 'string', default: '2' },
  },
});
const run = positionals[0];
if (!run) {
  console.error('usage: node tools/diagnose/gradient-probe.mjs RUN_DIR [--checkpoint DIR] [...]');
  process.exit(2);
}
await T.initBackend({});
const { config, env, agent, checkpoint } = await loadRunAgent(run, {
  checkpoint: values.checkpoint,
  sets: values.set,
  modelOnly: !values['keep-behaviour'],
});
const { state, replay } = readCheckpointReplay(run, checkpoint, config.replayCapacity);
const rng = new T.Rng(T.splitSeed(config.seed, 'gradient-probe'));
const { behaviour, model } = agent;
const actor = behaviour.actor;

// Shift every pre-tanh mean by `shift`; nothing learns (learning rates 0, entropy bonus off).
let shift = 0;
const distribution = actor.distribution.bind(actor);
actor.distribution = (features) => {
  const d = distribution(features);
  if (shift === 0) return d;
  const mean = tf.add(d.base.mean, shift);
  return new T.TanhNormal(mean, d.base.std);
};
behaviour.actorOptimizer.lr = 0;
behaviour.valueOptimizer.lr = 0;
behaviour.entropyScale = 0;

const h = Number(values.h);
const slopes = [];
for (let b = 0; b < Number(values.batches); b++) {
  const batch = replay.sample(config.batchSize, config.chunkLength, rng, ['image']);
  const saved = { behaviour: behaviour.getState(), model: model.getRngState() };
  const lossAt = (c) => {
    behaviour.setState(saved.behaviour);
    model.setRngState(saved.model);
    shift = c;
    return agent.behaviourUpdate(batch).actorLoss;
  };
  const up = lossAt(h);
  const down = lossAt(-h);
  shift = 0;
  slopes.push(-(up - down) / (2 * h));
}
const mean = slopes.reduce((s, x) => s + x, 0) / slopes.length;
const std = Math.sqrt(slopes.reduce((s, x) => s + (x - mean) ** 2, 0) / (slopes.length - 1));
console.log(
  `${run} @ episode ${state.episodes}; ${values['keep-behaviour'] ? 'kept' : 'fresh'} behaviour; B = ${config.batchSize}, L = ${config.chunkLength}, H = ${config.dreamer.horizon}, estimate ${config.dreamer.valueEstimate}`,
);
console.log(`d mean(V) / dc per batch: ${slopes.map((s) => s.toFixed(4)).join(' ')}`);
console.log(
  `mean ${mean.toFixed(5)} std ${std.toFixed(5)} positive ${slopes.filter((s) => s > 0).length}/${slopes.length} t ${(mean / (std / Math.sqrt(slopes.length))).toFixed(2)}`,
);

/** Mean noiseless return with every pre-tanh mean shifted by c (fixed reset seeds). */
async function realReturn(c) {
  shift = c;
  let total = 0;
  const episodes = Number(values['eval-episodes']);
  for (let k = 0; k < episodes; k++) {
    const played = await A.playEpisode({
      env,
      agent,
      mode: 'eval',
      seed: T.splitSeed(config.seed, `gradient-probe-eval/${k}`),
      actionRng: rng,
      checkStop: () => {},
    });
    total += played.return;
  }
  shift = 0;
  return total / episodes;
}
const s = Number(values['real-shift']);
if (s > 0) {
  const [low, mid, high] = [await realReturn(-s), await realReturn(0), await realReturn(s)];
  console.log(
    `real noiseless return with the mean shifted by -${s} / 0 / +${s}: ${low.toFixed(1)} / ${mid.toFixed(1)} / ${high.toFixed(1)}`,
  );
}
env.close();
await agent.dispose();
