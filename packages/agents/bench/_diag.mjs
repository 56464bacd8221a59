// Sensitivity of imagined returns to the actions: d/dc of sum_t r_t when c shifts every pre-tanh
// action mean, by autodiff and by central finite differences (same sampling noise both times).
import { initBackend, tf, stopGradient } from '@vmbrl/tensor';
import { DreamerAgent, resolveOnlineConfig } from '../dist/index.js';
import { readEpisode } from '@vmbrl/replay';
import { readdirSync } from 'node:fs';
await initBackend({ backend: 'wasm' });
const run = process.argv[2];
const config = resolveOnlineConfig('quick', 'cartpole-swingup', 0, { agent: 'dreamer' });
const agent = new DreamerAgent({ actionDim: 1, seed: 0, model: config.model, dreamer: config.dreamer, explorationNoise: 0.3, maxFramesPerPass: 512 });
if (run) await agent.load(`${run}/checkpoint/agent`);
const files = readdirSync(`${run}/episodes`).filter((f) => f.endsWith('.npz')).sort();
const ep = readEpisode(`${run}/episodes/${files[files.length - 1]}`);
const L = 32, B = 4;
const frame = 64 * 64 * 3;
const image = new Uint8Array(B * L * frame); const action = new Float32Array(B * L); const reward = new Float32Array(B * L);
for (let b = 0; b < B; b++) { const s = 50 * b; image.set(ep.image.subarray(s * frame, (s + L) * frame), b * L * frame); action.set(ep.action.subarray(s, s + L), b * L); reward.set(ep.reward.subarray(s, s + L), b * L); }
const batch = { image, action, reward, batchSize: B, length: L };
const start = agent.startStates(batch);
const H = 10; const rngState = agent.model.getRngState();
const actor = agent.behaviour.actor;
function ret(c, useMode) {
  agent.model.setRngState(rngState);
  const out = agent.model.imagine(start, (f) => { const d = actor.distribution(stopGradient(f)); return tf.tanh(tf.add(d.base.mean, c)); }, H);
  const n = start.stoch.shape[0];
  const flat = tf.reshape(out.features, [n * H, -1]);
  const r = tf.mean(agent.model.predictReward(flat));
  return { r, actions: out.actions };
}
for (const c0 of [-1, 0, 1]) {
  const g = tf.grad((c) => ret(c).r)(tf.scalar(c0)).dataSync()[0];
  const h = 1e-2;
  const fp = ret(tf.scalar(c0 + h)).r.dataSync()[0]; const fm = ret(tf.scalar(c0 - h)).r.dataSync()[0];
  const acts = ret(tf.scalar(c0)).actions; const am = tf.mean(acts).dataSync()[0];
  console.log(`c=${c0} meanReward=${ret(tf.scalar(c0)).r.dataSync()[0].toFixed(4)} meanAction=${am.toFixed(3)} grad=${g.toExponential(3)} fd=${((fp - fm) / (2 * h)).toExponential(3)}`);
}
const feats = agent.model.imagine(start, (f)=>actor.mode(f), 1).features;
const d = actor.distribution(tf.reshape(feats,[-1, agent.model.featureSize]));
console.log('actor mean', Array.from(d.base.mean.dataSync()).slice(0,8).map(x=>x.toFixed(3)).join(' '), 'std', Array.from(d.base.std.dataSync()).slice(0,8).map(x=>x.toFixed(3)).join(' '));
