/**
 * Shared pieces of the env workloads (env-physics, env-pixels, render): the built @vmbrl/envs,
 * the task list (--tasks a,b; default every registered task) and a seeded random policy.
 * packages/envs/bench/bench.mjs and gym.mjs are CLI scripts without exports; these cases use
 * the package's public API (makeEnv, makeWrappedEnv, listTasks) the same way they do.
 */
import { Rng, splitSeed } from '@vmbrl/core';

/** The built @vmbrl/envs. */
export async function loadEnvs() {
  try {
    return await import('@vmbrl/envs');
  } catch (error) {
    console.error(
      'env workloads need a built @vmbrl/envs: npx -y pnpm@10 exec turbo run build --filter=@vmbrl/envs',
    );
    throw error;
  }
}

/** Task names from --tasks (comma-separated), else all of `envs.listTasks()`. */
export function taskList(envs, options) {
  const all = envs.listTasks();
  if (options.tasks === undefined || options.tasks === true) return all;
  const wanted = String(options.tasks).split(',');
  const unknown = wanted.filter((t) => !all.includes(t));
  if (unknown.length > 0) {
    throw new Error(`--tasks: unknown ${unknown.join(', ')}; known: ${all.join(', ')}`);
  }
  return wanted;
}

/**
 * Resets `env` with `seed`; the returned `step()` advances it by one step with a uniform random
 * action (seeded), resetting it after an episode's last step.
 */
export function randomStepper(envs, env, seed = 0) {
  const rng = new Rng(splitSeed(seed, 'bench'));
  const { shape, min, max } = env.actionSpec;
  const action = new Float32Array(shape[0]);
  env.reset(seed);
  let last = false;
  return () => {
    if (last) env.reset();
    for (let i = 0; i < action.length; i++) action[i] = rng.uniform(min, max);
    last = env.step(action).last;
  };
}

/** Rounds a rate for reports. */
export const perSecond = (count, ms) => Math.round((count * 1000) / ms);
