/**
 * plan-std: how small does PlaNet's CEM std get? Loads a PlaNet run's checkpoint, plays noiseless
 * episodes, and after every planned step reads the final belief's std over the horizon
 * (`lastPlan.std`, [H, A]). Prints its smallest value, percentiles of the per-step minimum, and
 * the most a variance epsilon e could move the smallest std: sqrt(s^2 + e) - s <= e / (2 s).
 *
 *   node tools/diagnose/plan-std.mjs RUN_DIR [--checkpoint DIR] [--episodes 1] [--epsilon 1e-6]
 *
 * A floor only changes planning when the refit collapses the std to about sqrt(e); the reference
 * code's e = 1e-6 is sqrt(e) = 0.001.
 */
import { parseArgs } from 'node:util';
import { T, loadRunAgent } from './probe-lib.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    checkpoint: { type: 'string' },
    episodes: { type: 'string', default: '1' },
    epsilon: { type: 'string', default: '1e-6' },
  },
});
const run = positionals[0];
if (!run) {
  console.error(
    'usage: node tools/diagnose/plan-std.mjs RUN_DIR [--checkpoint DIR] [--episodes N]',
  );
  process.exit(2);
}
await T.initBackend({});
const { config, env, agent } = await loadRunAgent(run, {
  checkpoint: values.checkpoint,
  kind: 'planet',
});
const epsilon = Number(values.epsilon);

const stepMinima = [];
const firstActionStd = [];
for (let e = 0; e < Number(values.episodes); e++) {
  let ts = env.reset(T.splitSeed(config.seed, `plan-std/${e}`));
  let state = null;
  while (!ts.last) {
    const result = await agent.policy({ image: ts.observation.image }, state, { explore: false });
    state = result.state;
    const std = agent.lastPlan.std;
    stepMinima.push(Math.min(...std));
    firstActionStd.push(std[0]);
    ts = env.step(result.action);
  }
  agent.disposeState(state);
}
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const at = (xs, q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const minima = sorted(stepMinima);
const first = sorted(firstActionStd);
const smallest = minima[0];
const fmt = (x) => x.toPrecision(3);
console.log(`${run}: ${minima.length} planned steps, H = ${config.planner.horizon}`);
console.log(
  `per-step smallest std over the horizon: min ${fmt(smallest)}, 1% ${fmt(at(minima, 0.01))}, median ${fmt(at(minima, 0.5))}`,
);
console.log(
  `std of the first (executed) action: min ${fmt(first[0])}, median ${fmt(at(first, 0.5))}`,
);
console.log(
  `variance epsilon ${epsilon} (sqrt ${fmt(Math.sqrt(epsilon))}) moves the smallest std by at most ${fmt(epsilon / (2 * smallest))}`,
);
await agent.dispose();
