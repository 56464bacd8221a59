/**
 * fit-random: how fast does a world model learn to rate actions from random data alone?
 *
 *   node tools/diagnose/fit-random.mjs [--task cartpole-swingup] [--repeat 2] [--episodes 10]
 *     [--updates 800] [--every 200] [--horizon 15] [--set PATH=VALUE ...]
 *
 * Collects uniform-random episodes, trains the `quick` world model on B=8 chunks of L=32 (no
 * behaviour learning), and every `--every` updates prints the reward-probe means: imagined vs
 * simulated H-step reward sums under constant actions, and how often the best action agrees.
 * `--set model.imageEvery=2` etc. change the model as on the vmbrl-online command line.
 */
import { parseArgs } from 'node:util';
import { A, CONSTANTS, E, R, T, probeModel, probeStates } from './probe-lib.mjs';

const { values } = parseArgs({
  options: {
    task: { type: 'string', default: 'cartpole-swingup' },
    repeat: { type: 'string', default: '2' },
    episodes: { type: 'string', default: '10' },
    updates: { type: 'string', default: '800' },
    every: { type: 'string', default: '200' },
    horizon: { type: 'string', default: '15' },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const model = {};
for (const entry of values.set) {
  const [path, raw] = entry.split('=');
  if (!path?.startsWith('model.') || raw === undefined) {
    throw new Error(`--set ${entry}: only model.FIELD=VALUE is allowed here`);
  }
  model[path.slice('model.'.length)] = JSON.parse(raw);
}
const horizon = Number(values.horizon);
await T.initBackend({});
const config = A.resolveRunConfig('dreamer', 'quick', values.task, 0, {
  actionRepeat: Number(values.repeat),
  model,
});
const { env, agent } = await A.makeEnvAndAgent(config);
const replay = new R.EpisodeBuffer({ capacitySteps: 1e6 });
const rng = new T.Rng(T.splitSeed(0, 'fit-random'));
for (let e = 0; e < Number(values.episodes); e++) {
  let ts = env.reset(T.splitSeed(0, `fit-random/${e}`));
  const builder = new R.EpisodeBuilder(1);
  builder.start(ts.observation);
  while (!ts.last) {
    const action = [rng.uniform(-1, 1)];
    ts = env.step(action);
    builder.add(action, ts.reward, ts.discount, ts.observation);
  }
  replay.add(builder.finish());
}
const states = probeStates(env, 0, 8, horizon);
console.log(
  `${values.task}, R = ${values.repeat}, ${values.episodes} random episodes, H = ${horizon}`,
);
console.log(`constant action c ${CONSTANTS.join(' ')}`);
const started = performance.now();
for (let u = 0; u <= Number(values.updates); u++) {
  if (u % Number(values.every) === 0) {
    const r = probeModel(agent.model, states, horizon);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `updates ${u} (${seconds} s): model ${r.fmt(r.imagined)} | simulator ${r.fmt(r.sim)} | best agrees ${r.agree}/8`,
    );
  }
  if (u < Number(values.updates)) agent.model.trainStep(replay.sample(8, 32, rng, ['image']));
}
env.close();
await agent.dispose();
