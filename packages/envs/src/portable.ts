/**
 * What @vmbrl/envs exports in Node and in the browser alike (no Node module reachable from
 * here): `index.ts` and `browser.ts` both re-export it.
 */
export { ControlEnv, type ControlEnvOptions } from './control-env.js';
export { getTaskSpec, listTasks, makeEnv } from './registry.js';
export { Renderer } from './render/renderer.js';
export { Physics } from './mujoco/physics.js';
export { getMujoco, compileModel, setMujocoUrl, type Mujoco } from './mujoco/module.js';
export { tolerance, sigmoid, type Sigmoid, type ToleranceOptions } from './tolerance.js';
export type { Task, TaskSpec } from './tasks/common.js';
export {
  ActionNoise,
  ActionRepeat,
  EnvWrapper,
  PixelObservation,
  TimeLimit,
} from './wrappers/wrappers.js';
export { type EnvConfig, makeWrappedEnv } from './make.js';
