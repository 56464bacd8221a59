#!/usr/bin/env node
/**
 * Throughput benchmark of @vmbrl/envs (run `pnpm --filter @vmbrl/envs bench` after a build).
 * Reports, as medians of 3 timed runs after a warm-up:
 *   - physics steps/s per task (random actions through Env.step, one process);
 *   - 64x64 render ms/frame per task;
 *   - pixel agent/control steps/s with PixelObservation(ActionRepeat(R)), one process;
 *   - the same with a VectorEnv of N envs on 2 worker threads.
 * Flags: --seconds S (per timed run, default 1.5), --repeat R (default 8), --envs N (default 2).
 */
import { cpus, loadavg } from 'node:os';
import { scriptFlags } from '@vmbrl/core';
import { VectorEnv, listTasks, makeEnv, makeWrappedEnv } from '@vmbrl/envs';

const flags = scriptFlags('usage: node packages/envs/bench/bench.mjs [flags]', {
  seconds: { type: 'float', doc: 'length of one timed run (s)', default: 1.5, min: 0.01 },
  repeat: { type: 'int', doc: 'action repeat of the pixel runs', default: 8, min: 1 },
  envs: { type: 'int', doc: 'envs of the VectorEnv run', default: 2, min: 1 },
});
const SECONDS = flags.seconds;
const REPEAT = flags.repeat;
const NENVS = flags.envs;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Calls fn(k) repeatedly for `seconds`; returns calls per second. */
async function rate(fn, seconds = SECONDS) {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await fn(n);
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

function randomAction(nu) {
  return Array.from({ length: nu }, () => Math.random() * 2 - 1);
}

console.log(
  `# @vmbrl/envs benchmark  (node ${process.version}, ${cpus().length} cpus, load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')})`,
);
console.log(`# medians of 3 runs of ${SECONDS}s after warm-up`);
console.log(
  '\n## physics (state only, one process)\ntask                 physics steps/s   control steps/s   render 64x64 ms',
);
for (const name of listTasks()) {
  const env = await makeEnv(name);
  const nu = env.actionSpec.shape[0];
  env.reset(0);
  let ended = false;
  const step = () => {
    // locomotion tasks can end early (a fall); the suite's run 1000 steps
    if (ended) env.reset();
    ended = env.step(randomAction(nu)).last;
  };
  await rate(step, 1.5); // warm-up: V8 needs a moment to optimise the wasm module
  const control = median([await rate(step), await rate(step), await rate(step)]);
  const render = () => env.render(64);
  await rate(render, 0.5);
  const fps = median([await rate(render, 0.5), await rate(render, 0.5), await rate(render, 0.5)]);
  console.log(
    `${name.padEnd(20)} ${String(Math.round(control * env.spec.substeps)).padStart(15)} ${String(Math.round(control)).padStart(17)} ${(1000 / fps).toFixed(3).padStart(17)}`,
  );
  env.close();
}

console.log(
  `\n## pixels 64x64, action repeat ${REPEAT}\nsetup                           agent steps/s   control steps/s`,
);
for (const task of ['cartpole-swingup', 'walker-walk']) {
  const config = { task, actionRepeat: REPEAT, pixels: true, size: 64, keepState: false };
  const env = await makeWrappedEnv(config);
  const nu = env.actionSpec.shape[0];
  let last = true;
  const step = () => {
    if (last) env.reset();
    last = env.step(randomAction(nu)).last;
  };
  await rate(step, 1.5);
  const agent = median([await rate(step), await rate(step), await rate(step)]);
  console.log(
    `${`${task} 1 process`.padEnd(30)} ${String(Math.round(agent)).padStart(15)} ${String(Math.round(agent * REPEAT)).padStart(17)}`,
  );
  env.close();

  const vec = await VectorEnv.create(
    Array.from({ length: NENVS }, (_, i) => ({ ...config, seed: i })),
    { workers: 2 },
  );
  let done = true;
  const vstep = async () => {
    if (done) await vec.reset();
    const out = await vec.step(Array.from({ length: NENVS }, () => randomAction(nu)));
    done = out.some((t) => t.last);
  };
  await rate(vstep, 1.5);
  const vagent = median([await rate(vstep), await rate(vstep), await rate(vstep)]) * NENVS;
  console.log(
    `${`${task} VectorEnv ${NENVS}x/2 workers`.padEnd(30)} ${String(Math.round(vagent)).padStart(15)} ${String(Math.round(vagent * REPEAT)).padStart(17)}`,
  );
  await vec.close();
}
