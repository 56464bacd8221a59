/**
 * patched-run: the vmbrl-online command line with Dreamer behaviour changes that have no config
 * field yet, to measure them before they are written into packages/agents. Same arguments as
 * `node apps/online/dist/cli.js`; the changes come from VMBRL_PATCH, a comma-separated list:
 *
 *   act=sample      training episodes act with a sample of the action model plus the exploration
 *                   noise (the reference code, dreamer.py `policy`), not its mode; evaluation
 *                   stays noiseless with the mode.
 *   actorDelay=N    the action model's learning rate is 0 for the first N behaviour updates of
 *                   this process (the value model learns alone).
 *   actorWarmup=N   after the delay, the action model's learning rate rises linearly to its
 *                   configured value over N behaviour updates.
 *   valuePretrain=1 every world-model-only pretraining update is followed by a behaviour update
 *                   (counted by actorDelay, which must cover them), so the value model learns
 *                   during the pretraining while the action model stays as initialised.
 *
 *   VMBRL_PATCH=act=sample,actorDelay=1000 node tools/diagnose/patched-run.mjs --agent dreamer ...
 *
 * The patch is written to OUT/patch.json. Counters live in the process: do not resume such runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateFeatures } from '@vmbrl/world-models';
import { A, T } from './probe-lib.mjs';

const tf = T.tf;
const patch = {};
for (const item of (process.env.VMBRL_PATCH ?? '').split(',').filter(Boolean)) {
  const [key, value] = item.split('=');
  if (!['act', 'actorDelay', 'actorWarmup', 'valuePretrain'].includes(key)) {
    console.error(
      `VMBRL_PATCH: unknown change '${key}'; allowed: act, actorDelay, actorWarmup, valuePretrain`,
    );
    process.exit(2);
  }
  patch[key] = key === 'act' ? value : Number(value);
}
const outIndex = process.argv.indexOf('--out');
if (outIndex > 0) {
  const out = process.argv[outIndex + 1];
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'patch.json'), `${JSON.stringify(patch)}\n`);
}
console.error(`patched-run: ${JSON.stringify(patch)}`);

const proto = A.DreamerAgent.prototype;
const sampleRng = new T.Rng(T.splitSeed(0, 'patched-run/act'));

if (patch.act === 'sample') {
  const original = proto.policy;
  proto.policy = async function policy(observation, state, options) {
    if (!options.explore) return original.call(this, observation, state, options);
    const belief = this.filter(this.acting.image(observation, 'DreamerAgent'), state);
    const sampled = tf.tidy(() => {
      const base = this.behaviour.actor.distribution(stateFeatures(belief)).base;
      const seed = Math.floor(sampleRng.uniform(0, 2 ** 31));
      const eps = tf.randomNormal(base.mean.shape, 0, 1, 'float32', seed);
      return tf.tanh(tf.add(base.mean, tf.mul(base.std, eps)));
    });
    const action = this.acting.explore(new Float32Array(sampled.dataSync()), true);
    sampled.dispose();
    this.disposeState(state);
    return { action, state: { belief, action } };
  };
}

if (patch.actorDelay || patch.actorWarmup) {
  const original = proto.behaviourUpdate;
  const delay = patch.actorDelay ?? 0;
  const warmup = patch.actorWarmup ?? 0;
  proto.behaviourUpdate = function behaviourUpdate(batch) {
    const optimizer = this.behaviour.actorOptimizer;
    this.configuredActorLr ??= optimizer.lr;
    this.behaviourUpdates = (this.behaviourUpdates ?? 0) + 1;
    const past = this.behaviourUpdates - delay;
    const scale = past <= 0 ? 0 : warmup > 0 ? Math.min(1, past / warmup) : 1;
    optimizer.lr = this.configuredActorLr * scale;
    return original.call(this, batch);
  };
}

if (patch.valuePretrain && !patch.actorDelay) {
  console.error('VMBRL_PATCH: valuePretrain needs actorDelay >= the pretraining updates');
  process.exit(2);
}
if (patch.valuePretrain) {
  proto.trainWorldModel = function trainWorldModel(batch) {
    const metrics = this.model.trainStep(batch);
    const behaviour = this.behaviourUpdate(batch);
    return { ...metrics, meanReturn: behaviour.meanReturn, valueLoss: behaviour.valueLoss };
  };
}

process.argv = [
  process.argv[0],
  join(import.meta.dirname, '../../apps/online/dist/cli.js'),
  ...process.argv.slice(2),
];
await import(new URL('../../apps/online/dist/cli.js', import.meta.url).href);
