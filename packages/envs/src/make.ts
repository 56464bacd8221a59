import type { SimulatorEnv } from '@vmbrl/core';
import { ControlEnv } from './control-env.js';
/** Builds a wrapped environment from a plain (serialisable) config: also used by env workers. */
import { getMujoco } from './mujoco/module.js';
import { getTaskSpec } from './registry.js';
import { ActionNoise, ActionRepeat, PixelObservation, TimeLimit } from './wrappers/wrappers.js';

/** A serialisable description of a wrapped task environment. */
export interface EnvConfig {
  /** Registered task name, e.g. 'cartpole-swingup'. */
  task: string;
  /** Seed of the env's generator for resets without a seed. Default 0. */
  seed?: number;
  /** Control steps per agent step (rewards summed). Default 1. */
  actionRepeat?: number;
  /** Add a rendered image to observations. Default false. */
  pixels?: boolean;
  /** Image side in pixels. Default 64. */
  size?: number;
  /** Keep the state vector beside the image. Default true. */
  keepState?: boolean;
  /** Gaussian action noise std (before repeat). Default 0 = none. */
  actionNoise?: number;
  /** Limit in agent steps (after repeat). Default none: the task's 1000 control steps. */
  timeLimit?: number;
}

/** Builds `PixelObservation(TimeLimit(ActionRepeat(ActionNoise(task))))` as configured. */
export async function makeWrappedEnv(config: EnvConfig): Promise<SimulatorEnv> {
  const spec = getTaskSpec(config.task);
  const mj = await getMujoco();
  let env: SimulatorEnv = new ControlEnv(mj, spec, { seed: config.seed ?? 0 });
  if (config.actionNoise) env = new ActionNoise(env, config.actionNoise, config.seed ?? 0);
  if ((config.actionRepeat ?? 1) !== 1) env = new ActionRepeat(env, config.actionRepeat as number);
  if (config.timeLimit !== undefined) env = new TimeLimit(env, config.timeLimit);
  if (config.pixels) env = new PixelObservation(env, config.size ?? 64, config.keepState ?? true);
  return env;
}
