/** The task registry: names -> task specs, and `makeEnv` to build a seeded environment. */
import { ControlEnv, type ControlEnvOptions } from './control-env.js';
import { getMujoco } from './mujoco/module.js';
import { ballInCupCatch } from './tasks/ball-in-cup.js';
import { cartpoleBalance, cartpoleSwingup } from './tasks/cartpole.js';
import { cheetahRun } from './tasks/cheetah.js';
import type { TaskSpec } from './tasks/common.js';
import { fingerSpin } from './tasks/finger.js';
import { GYM_TASKS } from './tasks/gym/index.js';
import { reacherEasy } from './tasks/reacher.js';
import { walkerWalk } from './tasks/walker.js';

const TASKS: readonly TaskSpec[] = [
  cartpoleBalance,
  cartpoleSwingup,
  reacherEasy,
  cheetahRun,
  fingerSpin,
  ballInCupCatch,
  walkerWalk,
  ...GYM_TASKS,
];

/** Names of all registered tasks, e.g. 'cartpole-swingup'. */
export function listTasks(): string[] {
  return TASKS.map((t) => t.name);
}

/** The spec of a task; throws listing the valid names when unknown. */
export function getTaskSpec(name: string): TaskSpec {
  const spec = TASKS.find((t) => t.name === name);
  if (!spec) {
    throw new Error(`unknown task '${name}'; valid tasks: ${listTasks().join(', ')}`);
  }
  return spec;
}

/** Builds a control environment for a registered task (loads MuJoCo on first use). */
export async function makeEnv(name: string, opts: ControlEnvOptions = {}): Promise<ControlEnv> {
  const spec = getTaskSpec(name);
  const mj = await getMujoco();
  return new ControlEnv(mj, spec, opts);
}
