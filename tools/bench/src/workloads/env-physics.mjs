/**
 * env-physics: MuJoCo physics throughput per task, state only, one process: each run is
 * --steps (500) control steps with uniform random actions through Env.step; reports control
 * and physics (control x substeps) steps/s from the median run. --tasks a,b restricts tasks.
 */
import { intFlag } from '../harness.mjs';
import { loadEnvs, perSecond, randomStepper, taskList } from './env-common.mjs';

export const description = 'physics steps/s per task (random actions), --steps --tasks';
/** Warm-up and repeats when --warmup / --repeats are not given. */
export const defaults = { warmup: 1, repeats: 3, backends: ['wasm'] };
/** No tfjs backend is needed. */
export const usesTensor = false;

export async function cases(_tensor, options) {
  const envs = await loadEnvs();
  const steps = intFlag(options, 'steps', 500);
  const list = [];
  for (const task of taskList(envs, options)) {
    const env = await envs.makeEnv(task);
    const step = randomStepper(envs, env);
    const substeps = env.spec.substeps;
    list.push({
      name: `${task} physics (${steps} control steps/run)`,
      run: () => {
        for (let i = 0; i < steps; i++) step();
      },
      derive: (stats) => ({
        controlStepsPerSecond: perSecond(steps, stats.median),
        physicsStepsPerSecond: perSecond(steps * substeps, stats.median),
      }),
      dispose: () => env.close(),
    });
  }
  return list;
}
