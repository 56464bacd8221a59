/**
 * env-pixels: pixel-agent throughput per task, one process: PixelObservation(ActionRepeat(R))
 * at 64x64 (R = --repeat, 8), each run --steps (10) agent steps with random actions; reports
 * agent and control steps/s from the median run. --tasks a,b restricts tasks.
 */
import { intFlag } from '../harness.mjs';
import { loadEnvs, perSecond, randomStepper, taskList } from './env-common.mjs';

export const description =
  'pixel agent steps/s per task (64x64, repeat 8), --steps --repeat --tasks';
/** Warm-up and repeats when --warmup / --repeats are not given. */
export const defaults = { warmup: 1, repeats: 3, backends: ['wasm'] };
/** No tfjs backend is needed. */
export const usesTensor = false;

export async function cases(_tensor, options) {
  const envs = await loadEnvs();
  const steps = intFlag(options, 'steps', 10);
  const repeat = intFlag(options, 'repeat', 8);
  const list = [];
  for (const task of taskList(envs, options)) {
    const env = await envs.makeWrappedEnv({
      task,
      actionRepeat: repeat,
      pixels: true,
      size: 64,
      keepState: false,
    });
    const step = randomStepper(envs, env);
    list.push({
      name: `${task} pixels 64x64 R=${repeat} (${steps} agent steps/run)`,
      run: () => {
        for (let i = 0; i < steps; i++) step();
      },
      derive: (stats) => ({
        agentStepsPerSecond: perSecond(steps, stats.median),
        controlStepsPerSecond: perSecond(steps * repeat, stats.median),
      }),
      dispose: () => env.close(),
    });
  }
  return list;
}
