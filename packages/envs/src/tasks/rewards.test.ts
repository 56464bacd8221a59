import { describe, expect, it } from 'vitest';
import type { ControlEnv } from '../control-env.js';
import { makeEnv } from '../registry.js';

/** Puts the simulator in a hand-chosen state and returns the task reward there. */
function rewardAt(
  env: ControlEnv,
  set: (q: Float64Array, v: Float64Array, u: Float64Array) => void,
): number {
  env.reset(0);
  const p = env.physics;
  p.v.qpos.fill(0);
  p.v.qvel.fill(0);
  p.v.ctrl.fill(0);
  set(p.v.qpos, p.v.qvel, p.v.ctrl);
  p.forward();
  return env.currentReward();
}

const G_HALF = 0.1 ** 0.25; // gaussian tolerance half a margin out (value 0.1 at the margin)

describe('task rewards at hand-computed states', () => {
  it('cartpole: upright*control*velocity*centred', async () => {
    const env = await makeEnv('cartpole-swingup');
    expect(rewardAt(env, () => {})).toBeCloseTo(1, 12);
    // cart at 2 m (centred term (1 + 0.1)/2), pole horizontal (upright 0.5),
    // pole speed 5 rad/s ((1 + 0.1)/2), full control ((4 + 0)/5)
    const r = rewardAt(env, (q, v, u) => {
      q[0] = 2;
      q[1] = Math.PI / 2;
      v[1] = 5;
      u[0] = 1;
    });
    expect(r).toBeCloseTo(0.5 * 0.8 * 0.55 * 0.55, 10);
    // hanging down: upright 0
    expect(
      rewardAt(env, (q) => {
        q[1] = Math.PI;
      }),
    ).toBeCloseTo(0, 12);
    env.close();
  });

  it('reacher: 1 within target+finger radius (0.06 m), else 0', async () => {
    const env = await makeEnv('reacher-easy');
    // arm straight along +x puts the finger at x = 0.12 + 0.12 = 0.24
    const at = (tx: number, ty: number, shoulder = 0) => rewardWithTarget(env, tx, ty, shoulder);
    expect(at(0.24, 0)).toBe(1);
    expect(at(0.24, 0.059)).toBe(1);
    expect(at(0.24, 0.061)).toBe(0);
    expect(at(0, 0.24, Math.PI / 2)).toBe(1);
    expect(at(0.24, 0, Math.PI / 2)).toBe(0);
    env.close();
  });

  it('cheetah: linear in forward speed up to 10 m/s', async () => {
    const env = await makeEnv('cheetah-run');
    expect(
      rewardAt(env, (_q, v) => {
        v[0] = 5;
      }),
    ).toBeCloseTo(0.5, 10);
    expect(
      rewardAt(env, (_q, v) => {
        v[0] = 12;
      }),
    ).toBe(1);
    expect(
      rewardAt(env, (_q, v) => {
        v[0] = -3;
      }),
    ).toBe(0);
    env.close();
  });

  it('finger-spin: 1 when the spinner turns faster than 15 rad/s in the negative sense', async () => {
    const env = await makeEnv('finger-spin');
    const hinge = env.physics.dofAdr('hinge');
    expect(
      rewardAt(env, (_q, v) => {
        v[hinge] = -20;
      }),
    ).toBe(1);
    expect(
      rewardAt(env, (_q, v) => {
        v[hinge] = -10;
      }),
    ).toBe(0);
    expect(
      rewardAt(env, (_q, v) => {
        v[hinge] = 20;
      }),
    ).toBe(0);
    env.close();
  });

  it('ball_in_cup: 1 when the ball centre is within 2.5 cm of the target centre in x and z', async () => {
    const env = await makeEnv('ball_in_cup-catch');
    const bx = env.physics.qposAdr('ball_x');
    const bz = env.physics.qposAdr('ball_z');
    // cup body at z 0.6, target 0.05 below it; ball body at z 0.2 + qpos
    expect(
      rewardAt(env, (q) => {
        q[bz] = 0.35;
      }),
    ).toBe(1);
    expect(
      rewardAt(env, (q) => {
        q[bz] = 0.35;
        q[bx] = 0.02;
      }),
    ).toBe(1);
    expect(
      rewardAt(env, (q) => {
        q[bz] = 0.35;
        q[bx] = 0.03;
      }),
    ).toBe(0);
    expect(
      rewardAt(env, (q) => {
        q[bz] = 0.38;
      }),
    ).toBe(0);
    env.close();
  });

  it('walker-walk: stand term times move term', async () => {
    const env = await makeEnv('walker-walk');
    const z = env.physics.qposAdr('rootz');
    const x = env.physics.dofAdr('rootx');
    // standing tall (torso z 1.3), not moving: stand 1, move 0 -> 1/6
    expect(rewardAt(env, () => {})).toBeCloseTo(1 / 6, 10);
    // moving at 0.75 m/s: move 0.75 -> (5*0.75 + 1)/6
    expect(
      rewardAt(env, (_q, v) => {
        v[x] = 0.75;
      }),
    ).toBeCloseTo(4.75 / 6, 10);
    // torso at 0.9 m: standing = gaussian half a margin out
    const stand = (3 * G_HALF + 1) / 4;
    expect(
      rewardAt(env, (q) => {
        q[z] = -0.4;
      }),
    ).toBeCloseTo(stand / 6, 10);
    env.close();
  });
});

/** Reacher reward with the target moved to (tx, ty) and the shoulder at an angle. */
function rewardWithTarget(env: ControlEnv, tx: number, ty: number, shoulder: number): number {
  env.reset(0);
  const s = env.getState();
  env.setState({ ...s, params: [tx, ty] });
  const p = env.physics;
  p.v.qpos.fill(0);
  p.v.qpos[0] = shoulder;
  p.v.qvel.fill(0);
  p.forward();
  return env.currentReward();
}
