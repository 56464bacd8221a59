/**
 * @vmbrl/envs in the browser (the `browser` export condition): the tasks, MuJoCo, the renderer
 * and the wrappers, with `setMujocoUrl` to load mujoco-js from a URL. `VectorEnv`, the oracle's
 * simulator scorers (worker threads) and the CLI stay behind the Node entry.
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
