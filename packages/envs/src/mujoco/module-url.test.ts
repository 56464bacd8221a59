import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeEnv } from '../registry.js';
import { getMujoco, setMujocoUrl } from './module.js';

// Its own test file: the MuJoCo module is loaded once per process (vitest forks per file).
describe('setMujocoUrl', () => {
  it('loads mujoco-js from a URL; a bad URL fails with its reason and can be replaced', async () => {
    setMujocoUrl('file:///nonexistent/mujoco_wasm.js');
    await expect(getMujoco()).rejects.toThrow(/nonexistent\/mujoco_wasm\.js/);
    const file = createRequire(import.meta.url).resolve('mujoco-js');
    setMujocoUrl(pathToFileURL(file).href);
    const env = await makeEnv('cartpole-swingup', { seed: 0 });
    const first = env.reset();
    const next = env.step([1]);
    // A real simulation: the state moves under a push.
    expect(next.observation.state).not.toEqual(first.observation.state);
    expect(() => setMujocoUrl('file:///other.js')).toThrow('MuJoCo is already loaded');
    env.close();
  });
});
