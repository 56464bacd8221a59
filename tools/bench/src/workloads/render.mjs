/**
 * render: ray-cast rendering cost per task: each run renders --frames (10) 64x64 frames
 * (--size) of a state reached by 20 random steps; reports ms per frame from the median run.
 * --tasks a,b restricts tasks.
 */
import { intFlag } from '../harness.mjs';
import { loadEnvs, randomStepper, taskList } from './env-common.mjs';

export const description = 'render ms per 64x64 frame per task, --frames --size --tasks';
/** Warm-up and repeats when --warmup / --repeats are not given. */
export const defaults = { warmup: 1, repeats: 3, backends: ['wasm'] };
/** No tfjs backend is needed. */
export const usesTensor = false;

export async function cases(_tensor, options) {
  const envs = await loadEnvs();
  const frames = intFlag(options, 'frames', 10);
  const size = intFlag(options, 'size', 64);
  const list = [];
  for (const task of taskList(envs, options)) {
    const env = await envs.makeEnv(task);
    const step = randomStepper(envs, env);
    for (let i = 0; i < 20; i++) step();
    list.push({
      name: `${task} render ${size}x${size} (${frames} frames/run)`,
      run: () => {
        for (let i = 0; i < frames; i++) env.render(size);
      },
      derive: (stats) => ({ msPerFrame: Math.round((stats.median / frames) * 1000) / 1000 }),
      dispose: () => env.close(),
    });
  }
  return list;
}
