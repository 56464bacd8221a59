/**
 * reward-probe: does a run's world model rate actions as the simulator does?
 *
 *   node tools/diagnose/reward-probe.mjs RUN_DIR [STATES=8] [HORIZON=15]
 *
 * From STATES real states (reset, then a random walk of actions of growing length), it filters
 * the frames with the run's last checkpoint, imagines HORIZON agent steps under each constant
 * action c in {-1, -0.5, 0, 0.5, 1} (8 prior samples each) and sums the predicted rewards; the
 * simulator, restored to the same state, gives the true sums. Prints both per state and on
 * average, how often their best constant action agrees, and (Dreamer) the action model's mode.
 * Needs the built packages (npx -y pnpm@10 exec turbo run build --filter=@vmbrl/online...).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../packages/', import.meta.url);
const A = await import(new URL('agents/dist/index.js', root).href);
const E = await import(new URL('envs/dist/index.js', root).href);
const T = await import(new URL('tensor/dist/index.js', root).href);
const tf = T.tf;

const [run, statesArg, horizonArg] = process.argv.slice(2);
if (!run) {
  console.error('usage: node tools/diagnose/reward-probe.mjs RUN_DIR [STATES=8] [HORIZON=15]');
  process.exit(2);
}
const STATES = Number(statesArg ?? 8);
const H = Number(horizonArg ?? 15);
const SAMPLES = 8;
const CONSTANTS = [-1, -0.5, 0, 0.5, 1];

await T.initBackend({});
const config = A.readRunConfig(run);
const { env, agent } = await A.makeEnvAndAgent(config);
await agent.load(join(A.findCheckpoint(run) ?? `${run}/checkpoint`, 'agent'));
const model = agent.model;
if (!model) throw new Error(`${run}: the ${config.agent} agent has no learned world model`);
const rng = new T.Rng(T.splitSeed(config.seed, 'reward-probe'));
const fmt = (values) => values.map((v) => v.toFixed(2).padStart(6)).join(' ');
const best = (values) => values.indexOf(Math.max(...values));
const simMean = CONSTANTS.map(() => 0);
const modelMean = CONSTANTS.map(() => 0);
let agree = 0;
let modeSum = 0;
console.log(`${run}: ${config.agent} on ${config.task}, R = ${config.actionRepeat}, H = ${H}`);
console.log(`constant action c       ${fmt(CONSTANTS)}`);
for (let i = 0; i < STATES; i++) {
  let ts = env.reset(T.splitSeed(config.seed, `reward-probe/${i}`));
  const frames = [ts.observation.image];
  const actions = [0];
  let a = rng.uniform(-0.5, 0.5);
  for (let k = 0; k < 15 + 6 * i; k++) {
    a = Math.max(-1, Math.min(1, a + rng.uniform(-0.3, 0.3)));
    ts = env.step([a]);
    frames.push(ts.observation.image);
    actions.push(a);
  }
  const state = env.getState();
  const sim = CONSTANTS.map((c) => {
    env.setState(state);
    let sum = 0;
    for (let h = 0; h < H && !ts.last; h++) sum += env.step([c]).reward;
    return sum;
  });
  const L = frames.length;
  const image = new Uint8Array(L * frames[0].length);
  frames.forEach((f, t) => image.set(f, t * f.length));
  const { predicted, mode } = tf.tidy(() => {
    const batch = { image, action: Float32Array.from(actions), reward: new Float32Array(L) };
    const observed = model.observe({ ...batch, batchSize: 1, length: L });
    const last = (x) =>
      tf.tile(tf.reshape(tf.slice(x, [0, L - 1, 0], [1, 1, -1]), [1, -1]), [SAMPLES, 1]);
    const p = observed.posteriors;
    const start = {
      deter: last(p.deter),
      stoch: last(p.stoch),
      mean: last(p.mean),
      std: last(p.std),
    };
    const predicted = CONSTANTS.map((c) => {
      const rolled = model.imagine(start, tf.fill([SAMPLES, H, 1], c), H);
      const rewards = model.predictReward(tf.reshape(rolled.features, [SAMPLES * H, -1]));
      return tf.sum(rewards).dataSync()[0] / SAMPLES;
    });
    const features = tf.concat([start.deter, start.stoch], -1).slice([0, 0], [1, -1]);
    const mode = agent.behaviour ? agent.behaviour.actor.mode(features).dataSync()[0] : null;
    return { predicted, mode };
  });
  if (best(predicted) === best(sim)) agree += 1;
  if (mode !== null) modeSum += mode;
  for (let j = 0; j < CONSTANTS.length; j++) {
    simMean[j] += sim[j] / STATES;
    modelMean[j] += predicted[j] / STATES;
  }
  console.log(`state ${i}  simulator      ${fmt(sim)}`);
  console.log(`         world model    ${fmt(predicted)}`);
}
console.log(`mean      simulator      ${fmt(simMean)}`);
console.log(`          world model    ${fmt(modelMean)}`);
console.log(`best constant action agrees in ${agree} of ${STATES} states`);
if (agent.behaviour)
  console.log(`action model's mode, mean over the states: ${(modeSum / STATES).toFixed(3)}`);
env.close();
await agent.dispose();
