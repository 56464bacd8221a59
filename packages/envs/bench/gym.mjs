#!/usr/bin/env node
/**
 * Gym-style locomotion tasks of @vmbrl/envs (run after a build:
 * `node packages/envs/bench/gym.mjs [--seeds 10] [--seconds 1.5]`). Reports per task:
 *   - the return of a uniform random policy (actions U(ctrlrange)), mean and std over seeds
 *     0..N-1, with the mean episode length (episodes end at 1000 steps or on termination);
 *   - physics and control steps/s (random actions through Env.step, one process, median of 3).
 */
import { cpus, loadavg } from 'node:os';
import { Rng, scriptFlags, splitSeed } from '@vmbrl/core';
import { makeEnv } from '@vmbrl/envs';

const flags = scriptFlags('usage: node packages/envs/bench/gym.mjs [flags]', {
  seeds: { type: 'int', doc: 'episodes of the random policy per task', default: 10, min: 1 },
  seconds: { type: 'float', doc: 'length of one timed run (s)', default: 1.5, min: 0.01 },
});
const SEEDS = flags.seeds;
const SECONDS = flags.seconds;
const TASKS = [
  'half-cheetah',
  'hopper',
  'walker2d',
  'ant',
  'ant-truncated',
  'humanoid',
  'humanoid-truncated',
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(
  `# @vmbrl/envs Gym-style tasks  (node ${process.version}, ${cpus().length} cpus, load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')})`,
);
console.log(
  `task                 return mean ± std (${SEEDS} seeds)   mean length   physics steps/s   control steps/s`,
);
for (const name of TASKS) {
  const env = await makeEnv(name);
  const { shape, min, max } = env.actionSpec;
  const returns = [];
  let totalSteps = 0;
  for (let seed = 0; seed < SEEDS; seed++) {
    const rng = new Rng(splitSeed(seed, 'random-policy'));
    let ts = env.reset(seed);
    let ret = 0;
    while (!ts.last) {
      ts = env.step(Array.from({ length: shape[0] }, () => rng.uniform(min, max)));
      ret += ts.reward;
      totalSteps++;
    }
    returns.push(ret);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / SEEDS;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / SEEDS);

  const rng = new Rng(12345);
  let last = true;
  const step = () => {
    if (last) env.reset();
    last = env.step(Array.from({ length: shape[0] }, () => rng.uniform(min, max))).last;
  };
  const rate = (seconds) => {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < seconds * 1000) {
      step();
      n++;
    }
    return n / ((performance.now() - t0) / 1000);
  };
  rate(1); // warm-up
  const control = median([rate(SECONDS), rate(SECONDS), rate(SECONDS)]);
  console.log(
    `${name.padEnd(20)} ${`${mean.toFixed(1)} ± ${std.toFixed(1)}`.padStart(28)} ${(totalSteps / SEEDS).toFixed(1).padStart(13)} ${String(Math.round(control * env.spec.substeps)).padStart(17)} ${String(Math.round(control)).padStart(17)}`,
  );
  env.close();
}
