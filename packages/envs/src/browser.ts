/**
 * @vmbrl/envs in the browser (the `browser` export condition): the tasks, MuJoCo, the renderer
 * and the wrappers, with `setMujocoUrl` to load mujoco-js from a URL. `VectorEnv`, the oracle's
 * simulator scorers (worker threads) and the CLI stay behind the Node entry.
 */
export * from './portable.js';
