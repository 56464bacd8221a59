/**
 * Shared by the diagnose scripts: real states with the simulator's reward sums under constant
 * actions, and a world model's imagined sums from the same frames.
 */
import { join } from 'node:path';
import * as A from '@vmbrl/agents';
import * as E from '@vmbrl/envs';
import * as R from '@vmbrl/replay';
import * as T from '@vmbrl/tensor';

export { A, E, R, T };
const tf = T.tf;

/**
 * Applies `--set PATH=VALUE` entries to a run config in place (VALUE parsed as JSON when it
 * parses, else a string); a path that names no existing field is an error.
 */
export function applySets(config, entries) {
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const path = entry.slice(0, eq).split('.');
    const raw = entry.slice(eq + 1);
    let value;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    let parent = config;
    for (const key of path.slice(0, -1)) parent = parent?.[key];
    const last = path[path.length - 1];
    if (eq <= 0 || !parent || !Object.hasOwn(parent, last)) {
      throw new Error(`--set ${entry}: no such config field`);
    }
    parent[last] = value;
  }
  return config;
}

/**
 * A run's config (with `sets`, `--set` entries, applied), env and agent with the weights of
 * `checkpoint` (default: the run's last one): the whole agent, or with `modelOnly` its world
 * model alone (the rest as initialised). `kind`, when given, is the agent the run must be.
 */
export async function loadRunAgent(run, { checkpoint, kind, sets = [], modelOnly = false } = {}) {
  const config = applySets(A.readRunConfig(run), sets);
  if (kind && config.agent !== kind)
    throw new Error(`${run} is a ${config.agent} run, not ${kind}`);
  const dir = checkpoint ?? A.findCheckpoint(run);
  if (!dir) throw new Error(`${run} has no checkpoint yet`);
  const { env, agent } = await A.makeEnvAndAgent(config);
  if (modelOnly) await agent.model.load(join(dir, 'agent', 'model'));
  else await agent.load(join(dir, 'agent'));
  return { config, env, agent, checkpoint: dir };
}

/** A checkpoint's loop state and the replay it had (every episode file the state lists). */
export function readCheckpointReplay(run, checkpoint, capacitySteps) {
  const state = A.readLoopState(checkpoint);
  const replay = new R.EpisodeBuffer({ capacitySteps });
  for (const episode of A.readReplayEpisodes(run, state.replayFiles)) replay.add(episode);
  return { state, replay };
}

/** The constant actions compared. */
export const CONSTANTS = [-1, -0.5, 0, 0.5, 1];
const SAMPLES = 8;

/**
 * `count` real states of `env` (reset, then a random walk of actions, longer for each state),
 * each with its frames, actions and the simulator's H-step reward sums under every constant.
 */
export function probeStates(env, seed, count, horizon) {
  const rng = new T.Rng(T.splitSeed(seed, 'reward-probe'));
  const states = [];
  for (let i = 0; i < count; i++) {
    let ts = env.reset(T.splitSeed(seed, `reward-probe/${i}`));
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
      for (let h = 0; h < horizon; h++) sum += env.step([c]).reward;
      return sum;
    });
    states.push({ frames, actions, sim });
  }
  return states;
}

/** Filters a probe state's frames, then the mean imagined H-step reward sum per constant. */
export function imaginedSums(model, probe, horizon, actor = null) {
  const L = probe.frames.length;
  const image = new Uint8Array(L * probe.frames[0].length);
  probe.frames.forEach((f, t) => image.set(f, t * f.length));
  return tf.tidy(() => {
    const batch = { image, action: Float32Array.from(probe.actions), reward: new Float32Array(L) };
    const p = model.observe({ ...batch, batchSize: 1, length: L }).posteriors;
    const last = (x) =>
      tf.tile(tf.reshape(tf.slice(x, [0, L - 1, 0], [1, 1, -1]), [1, -1]), [SAMPLES, 1]);
    const start = {
      deter: last(p.deter),
      stoch: last(p.stoch),
      mean: last(p.mean),
      std: last(p.std),
    };
    const sums = CONSTANTS.map((c) => {
      const rolled = model.imagine(start, tf.fill([SAMPLES, horizon, 1], c), horizon);
      const rewards = model.predictReward(tf.reshape(rolled.features, [SAMPLES * horizon, -1]));
      return tf.sum(rewards).dataSync()[0] / SAMPLES;
    });
    const features = tf.slice(tf.concat([start.deter, start.stoch], -1), [0, 0], [1, -1]);
    const mode = actor ? actor.mode(features).dataSync()[0] : null;
    return { sums, mode };
  });
}

/** Probes `model` on `states`; prints per-state rows when `verbose`; returns the means. */
export function probeModel(model, states, horizon, { actor = null, verbose = false } = {}) {
  const fmt = (values) => values.map((v) => v.toFixed(2).padStart(6)).join(' ');
  const best = (values) => values.indexOf(Math.max(...values));
  const sim = CONSTANTS.map(() => 0);
  const imagined = CONSTANTS.map(() => 0);
  let agree = 0;
  let modeSum = 0;
  states.forEach((state, i) => {
    const { sums, mode } = imaginedSums(model, state, horizon, actor);
    if (best(sums) === best(state.sim)) agree += 1;
    if (mode !== null) modeSum += mode;
    for (let j = 0; j < CONSTANTS.length; j++) {
      sim[j] += state.sim[j] / states.length;
      imagined[j] += sums[j] / states.length;
    }
    if (verbose) {
      console.log(`state ${i}  simulator      ${fmt(state.sim)}`);
      console.log(`         world model    ${fmt(sums)}`);
    }
  });
  return { sim, imagined, agree, mode: actor ? modeSum / states.length : null, fmt };
}
