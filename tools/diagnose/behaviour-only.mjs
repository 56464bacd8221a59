/**
 * behaviour-only: Dreamer's behaviour learning on a frozen world model. Loads the world model
 * of a checkpoint, starts the action and value models afresh (or keeps the checkpoint's with
 * --keep-behaviour) and makes only behaviour updates on batches of the run's replay, measuring
 * the actor in the real environment as it climbs the model's value estimate.
 *
 *   node tools/diagnose/behaviour-only.mjs RUN_DIR [--checkpoint DIR] [--updates 500]
 *     [--every 50] [--eval-episodes 2] [--set dreamer.FIELD=VALUE ...] [--set batchSize=8 ...]
 *     [--keep-behaviour] [--actor-delay N] [--save DIR]
 *
 * Every `--every` updates it prints the mean behaviour metrics since the last line (meanReturn
 * = the imagined V_lambda the actor maximises, the actor's entropy estimate), the noiseless
 * return of `--eval-episodes` real episodes (fixed reset seeds, the same for every line), the
 * mean action mode and |mode| along them, and seconds per behaviour update. The world model
 * never changes, so what moves the real return is the actor following the model.
 * --actor-delay N: the action model's learning rate is 0 for the first N updates (the value
 * model learns alone). --save DIR: writes the agent and the loop state there at the end, as a
 * checkpoint directory the other diagnose tools take with --checkpoint.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { A, T, loadRunAgent, readCheckpointReplay } from './probe-lib.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    checkpoint: { type: 'string' },
    updates: { type: 'string', default: '500' },
    every: { type: 'string', default: '50' },
    'eval-episodes': { type: 'string', default: '2' },
    set: { type: 'string', multiple: true, default: [] },
    'keep-behaviour': { type: 'boolean', default: false },
    'actor-delay': { type: 'string', default: '0' },
    save: { type: 'string' },
  },
});
const run = positionals[0];
if (!run) {
  console.error('usage: node tools/diagnose/behaviour-only.mjs RUN_DIR [--checkpoint DIR] [...]');
  process.exit(2);
}
await T.initBackend({});
const { config, env, agent, checkpoint } = await loadRunAgent(run, {
  checkpoint: values.checkpoint,
  sets: values.set,
  modelOnly: !values['keep-behaviour'],
});
const { state, replay } = readCheckpointReplay(run, checkpoint, config.replayCapacity);
const rng = new T.Rng(T.splitSeed(config.seed, 'behaviour-only'));
const evalEpisodes = Number(values['eval-episodes']);
const every = Number(values.every);

/** Noiseless episodes with fixed reset seeds: mean return, mean mode and mean |mode|. */
async function evaluate() {
  let total = 0;
  let modeSum = 0;
  let absSum = 0;
  let steps = 0;
  for (let k = 0; k < evalEpisodes; k++) {
    const played = await A.playEpisode({
      env,
      agent,
      mode: 'eval',
      seed: T.splitSeed(config.seed, `behaviour-only-eval/${k}`),
      actionRng: rng,
      checkStop: () => {},
    });
    total += played.return;
    const actions = played.episode.action;
    for (let i = 1; i < actions.length; i++) {
      modeSum += actions[i];
      absSum += Math.abs(actions[i]);
      steps += 1;
    }
  }
  return { ret: total / evalEpisodes, mode: modeSum / steps, abs: absSum / steps };
}

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : String(x)).padStart(7);
const changed = values.set.length ? values.set.join(' ') : '(none)';
console.log(
  `${run} @ episode ${state.episodes}, ${state.updates} updates; ${values['keep-behaviour'] ? 'kept' : 'fresh'} behaviour; changes: ${changed}`,
);
console.log(
  `B = ${config.batchSize}, L = ${config.chunkLength}, H = ${config.dreamer.horizon}, actor lr ${config.dreamer.actorLr}, value lr ${config.dreamer.valueLr}, entropy ${config.dreamer.actorEntropy}`,
);
const e0 = await evaluate();
console.log(
  `updates    0 | real return ${fmt(e0.ret, 1)} mode ${fmt(e0.mode)} |mode| ${fmt(e0.abs)}`,
);
let sums = {};
let seconds = 0;
const actorLr = agent.behaviour.actorOptimizer.lr;
const delay = Number(values['actor-delay']);
for (let u = 1; u <= Number(values.updates); u++) {
  agent.behaviour.actorOptimizer.lr = u <= delay ? 0 : actorLr;
  const batch = replay.sample(config.batchSize, config.chunkLength, rng, ['image']);
  const started = performance.now();
  const metrics = agent.behaviourUpdate(batch);
  seconds += (performance.now() - started) / 1000;
  for (const [key, value] of Object.entries(metrics)) sums[key] = (sums[key] ?? 0) + value;
  if (u % every === 0) {
    const e = await evaluate();
    const m = (key) => sums[key] / every;
    console.log(
      `updates ${String(u).padStart(4)} | real return ${fmt(e.ret, 1)} mode ${fmt(e.mode)} |mode| ${fmt(e.abs)} | imagined V ${fmt(m('meanReturn'))} reward ${fmt(m('meanReward'), 3)} entropy ${fmt(m('actorEntropy'))} value loss ${fmt(m('valueLoss'), 3)} | ${fmt(seconds / u, 3)} s/update`,
    );
    sums = {};
  }
}
if (values.save) {
  await agent.save(join(values.save, 'agent'));
  writeFileSync(join(values.save, 'state.json'), `${JSON.stringify(state)}\n`);
  console.log(`saved ${values.save}`);
}
env.close();
await agent.dispose();
