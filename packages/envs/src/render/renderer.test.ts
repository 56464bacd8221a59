import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPng, writePng } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { getMujoco } from '../mujoco/module.js';
import { Physics } from '../mujoco/physics.js';
import { listTasks, makeEnv } from '../registry.js';
import { Renderer } from './renderer.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

describe('Renderer', () => {
  it('shades a sphere and the sky as computed by hand', async () => {
    const mj = await getMujoco();
    const xml = `<mujoco><size memory="64K"/><worldbody>
      <camera name="c" pos="0 -3 0" xyaxes="1 0 0 0 0 1"/>
      <geom type="sphere" size="0.5" rgba="0.5 0.25 0.125 1"/>
    </worldbody></mujoco>`;
    const p = new Physics(mj, xml, 'sphere');
    p.forward();
    const img = new Renderer(p).render(64);
    // centre pixel (32, 32) is near the front of the sphere: normal ~ toward camera, nz ~ 0,
    // shade = 0.4 ambient + 0.8 headlight = 1.2 -> (0.6, 0.3, 0.15)
    const c = 3 * (32 * 64 + 32);
    expect(Math.abs(img[c] - 153)).toBeLessThanOrEqual(2);
    expect(Math.abs(img[c + 1] - 77)).toBeLessThanOrEqual(2);
    expect(Math.abs(img[c + 2] - 38)).toBeLessThanOrEqual(2);
    // top row, column 32: ray elevation asin(0.377556) -> sky blend 0.62323 of (0.4, 0.6, 0.8)
    const s = 3 * 32;
    expect([img[s], img[s + 1], img[s + 2]]).toEqual([64, 95, 127]);
    p.dispose();
  });

  it('renders any size and rejects bad sizes', async () => {
    const env = await makeEnv('cartpole-swingup');
    env.reset(0);
    expect(env.render(16).length).toBe(16 * 16 * 3);
    expect(env.render(100).length).toBe(100 * 100 * 3);
    expect(() => env.render(0)).toThrow(/positive integers/);
    env.close();
  });

  it.each(listTasks())('%s frame matches its golden PNG', async (name) => {
    const env = await makeEnv(name);
    env.reset(0);
    const zeros = new Array(env.actionSpec.shape[0]).fill(0);
    for (let i = 0; i < 20; i++) env.step(zeros);
    const frame = env.render(64);
    env.close();
    const path = join(FIXTURES, `${name}-64.png`);
    if (process.env.UPDATE_GOLDEN === '1') writePng(path, { data: frame, height: 64, width: 64 });
    expect(existsSync(path), `missing ${path}; run with UPDATE_GOLDEN=1`).toBe(true);
    const golden = readPng(path);
    let sumAbs = 0;
    let bad = 0;
    for (let i = 0; i < frame.length; i++) {
      const d = Math.abs(frame[i] - golden.data[i]);
      sumAbs += d;
      if (d > 40) bad++;
    }
    expect(sumAbs / frame.length).toBeLessThan(2);
    expect(bad / frame.length).toBeLessThan(0.01);
  });
});
