import { describe, expect, it } from 'vitest';
import type { ControlEnv } from '../../control-env.js';
import { getMujoco } from '../../mujoco/module.js';
import { Physics } from '../../mujoco/physics.js';
import { getTaskSpec, makeEnv } from '../../registry.js';
import type { Task } from '../common.js';

/** Builds a task on its own physics, to probe its rules at hand-made states. */
async function bareTask(name: string): Promise<{ physics: Physics; task: Task }> {
  const spec = getTaskSpec(name);
  const physics = new Physics(await getMujoco(), spec.xml, spec.domain);
  return { physics, task: spec.create(physics) };
}

/** Sets positions/velocities by index after a seeded reset and recomputes derived fields. */
function place(env: ControlEnv, qpos: Record<number, number>, qvel: Record<number, number> = {}) {
  const v = env.physics.v;
  for (const [i, x] of Object.entries(qpos)) v.qpos[Number(i)] = x;
  for (const [i, x] of Object.entries(qvel)) v.qvel[Number(i)] = x;
  env.physics.forward();
}

/** Centre-of-mass x computed here from body masses and body com positions. */
function comX(env: ControlEnv): number {
  const mass = env.physics.model.body_mass as Float64Array;
  const xipos = env.physics.data.xipos as Float64Array;
  let m = 0;
  let mx = 0;
  for (let b = 0; b < mass.length; b++) {
    m += mass[b];
    mx += mass[b] * xipos[3 * b];
  }
  return mx / m;
}

const sumSq = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x * x, 0);

describe('Gym-style locomotion specs', () => {
  it('has the v2 observation sizes, timesteps, frame skips and action bounds', async () => {
    const expected: Record<string, [number, number, number, number, number]> = {
      // obs, physics dt, frame skip, action dims, action bound
      'half-cheetah': [17, 0.01, 5, 6, 1],
      hopper: [11, 0.002, 4, 3, 1],
      walker2d: [17, 0.002, 4, 6, 1],
      ant: [111, 0.01, 5, 8, 1],
      'ant-truncated': [27, 0.01, 5, 8, 1],
      humanoid: [376, 0.003, 5, 17, 0.4],
      'humanoid-truncated': [45, 0.003, 5, 17, 0.4],
    };
    for (const [name, [obs, dt, skip, nu, bound]] of Object.entries(expected)) {
      const env = await makeEnv(name);
      const ts = env.reset(0);
      expect(ts.observation.state?.length, name).toBe(obs);
      expect(env.observationSpec.state?.shape, name).toEqual([obs]);
      expect(env.physics.timestep, name).toBeCloseTo(dt, 12);
      expect(env.spec.substeps, name).toBe(skip);
      expect(env.spec.controlTimestep, name).toBeCloseTo(dt * skip, 12);
      expect(env.actionSpec, name).toEqual({
        shape: [nu],
        min: -bound,
        max: bound,
        dtype: 'float32',
      });
      expect(env.spec.episodeSteps).toBe(1000);
      env.close();
    }
  });

  it('builds the bodies from the documented geometry (masses by hand)', async () => {
    const capsule = (r: number, len: number, density: number) =>
      density * (Math.PI * r * r * len + (4 / 3) * Math.PI * r ** 3);
    // ant: a density-5 sphere of 0.25 m and per leg capsules (r 0.08) of 0.2*sqrt2, 0.2*sqrt2, 0.4*sqrt2
    const legs = 4 * (2 * capsule(0.08, 0.2 * Math.SQRT2, 5) + capsule(0.08, 0.4 * Math.SQRT2, 5));
    const antMass = 5 * (4 / 3) * Math.PI * 0.25 ** 3 + legs;
    // hopper: density-1000 capsules: torso 0.4 (r .05), thigh 0.45 (r .05), leg 0.5 (r .04), foot 0.39 (r .06)
    const hopperMass =
      capsule(0.05, 0.4, 1000) +
      capsule(0.05, 0.45, 1000) +
      capsule(0.04, 0.5, 1000) +
      capsule(0.06, 0.39, 1000);
    const walkerMass =
      capsule(0.05, 0.4, 1000) +
      2 * (capsule(0.05, 0.45, 1000) + capsule(0.04, 0.5, 1000) + capsule(0.06, 0.2, 1000));
    const cases: Array<[string, number]> = [
      ['ant', antMass],
      ['hopper', hopperMass],
      ['walker2d', walkerMass],
      ['half-cheetah', 14],
    ];
    for (const [name, mass] of cases) {
      const { physics } = await bareTask(name);
      const total = (physics.model.body_mass as Float64Array).reduce((a, b) => a + b, 0);
      expect(total, name).toBeCloseTo(mass, 6);
      physics.dispose();
    }
  });
});

describe('Gym-style rewards at hand-made states', () => {
  it('planar tasks: (x after - x before) / dt + healthy - c |a|^2', async () => {
    const cases: Array<[string, number, number]> = [
      // task, ctrl cost weight, healthy reward
      ['half-cheetah', 0.1, 0],
      ['hopper', 1e-3, 1],
      ['walker2d', 1e-3, 1],
    ];
    for (const [name, c, healthy] of cases) {
      const env = await makeEnv(name);
      env.reset(3);
      place(env, { 2: 0.05 }, { 0: 1.5, 1: 0.2 });
      const nu = env.actionSpec.shape[0];
      const action = Array.from({ length: nu }, (_, i) => 0.9 * Math.sin(1 + i));
      const xBefore = env.physics.v.qpos[0];
      const ts = env.step(action);
      const xAfter = env.physics.v.qpos[0];
      const expected = (xAfter - xBefore) / env.spec.controlTimestep + healthy - c * sumSq(action);
      expect(ts.reward, name).toBeCloseTo(expected, 9);
      // the body was moving forward at 1.5 m/s: the velocity term is near that
      expect((xAfter - xBefore) / env.spec.controlTimestep, name).toBeGreaterThan(0.5);
      env.close();
    }
  });

  it('clips actions to the ctrlrange before costing them', async () => {
    const env = await makeEnv('half-cheetah');
    env.reset(0);
    const xBefore = env.physics.v.qpos[0];
    const ts = env.step([3, -3, 0, 0, 0, 0]);
    const dx = env.physics.v.qpos[0] - xBefore;
    expect(ts.reward).toBeCloseTo(dx / 0.05 - 0.1 * 2, 9);
    env.close();
  });

  it('ant in the air: forward velocity - 0.5 |a|^2 + 1, no contact forces', async () => {
    const env = await makeEnv('ant');
    env.reset(0);
    // torso level at 0.9 m, legs horizontal: nothing touches the floor for one step
    place(env, { 0: 0, 1: 0, 2: 0.9, 3: 1, 4: 0, 5: 0, 6: 0 }, { 0: 1, 1: 0, 2: 0 });
    const action = [0.3, -0.5, 0.2, 0.1, -0.7, 0.4, 0.6, -0.2];
    const xBefore = env.physics.v.qpos[0];
    const ts = env.step(action);
    const xAfter = env.physics.v.qpos[0];
    expect(env.physics.ncon).toBe(0);
    expect(Array.from(ts.observation.state!.subarray(27)).every((f) => f === 0)).toBe(true);
    expect(ts.reward).toBeCloseTo((xAfter - xBefore) / 0.05 - 0.5 * sumSq(action) + 1, 9);
    expect(ts.discount).toBe(1);
    env.close();
  });

  it('humanoid in the air: 1.25 * com velocity - 0.1 |a|^2 + 5; com velocity is conserved', async () => {
    const env = await makeEnv('humanoid');
    env.reset(0);
    place(env, { 0: 0, 1: 0, 2: 1.9 }, { 0: 2, 1: 0, 2: 0 });
    const action = Array.from({ length: 17 }, (_, i) => 0.3 * Math.cos(i));
    const before = comX(env);
    const ts = env.step(action);
    const after = comX(env);
    expect(env.physics.ncon).toBe(0);
    expect(ts.reward).toBeCloseTo((1.25 * (after - before)) / 0.015 - 0.1 * sumSq(action) + 5, 9);
    // no horizontal external force in flight: the com keeps (about) the 2 m/s it was given
    expect((after - before) / 0.015).toBeCloseTo(2, 1);
    env.close();
  });

  it('contact forces carry the weight at rest and enter the costs as defined', async () => {
    for (const name of ['ant', 'humanoid']) {
      const env = await makeEnv(name);
      env.reset(1);
      const zeros = new Array(env.actionSpec.shape[0]).fill(0);
      // the humanoid lies down (terminates) quickly: settle the physics directly
      for (let i = 0; i < 400; i++) env.physics.step(5);
      // the ant's reward follows its torso (qpos[0]), the humanoid's its centre of mass
      const x = () => (name === 'ant' ? env.physics.v.qpos[0] : comX(env));
      const before = x();
      const ts = env.step(zeros);
      const f = env.physics.data.cfrc_ext as Float64Array;
      let fz = 0;
      for (let b = 0; b < env.physics.model.nbody; b++) fz += f[6 * b + 5];
      const mass = (env.physics.model.body_mass as Float64Array).reduce((a, b) => a + b, 0);
      // at rest the floor pushes up with m g in total
      expect(fz / (mass * 9.81), name).toBeCloseTo(1, 1);
      const state = ts.observation.state!;
      if (name === 'ant') {
        const clipped = Array.from(f, (x) => Math.max(-1, Math.min(1, x)));
        expect(Array.from(state.subarray(27))).toEqual(Array.from(Float32Array.from(clipped)));
        const contact = 0.5e-3 * sumSq(clipped);
        expect(contact).toBeGreaterThan(0);
        expect(ts.reward).toBeCloseTo((x() - before) / 0.05 - contact + 1, 9);
      } else {
        const impact = Math.min(0.5e-6 * sumSq(f), 10);
        expect(impact).toBeGreaterThan(0);
        const expected = (1.25 * (x() - before)) / 0.015 - impact + 5;
        expect(ts.reward).toBeCloseTo(expected, 9);
        expect(Array.from(state.subarray(45 + 140 + 84 + 23))).toEqual(
          Array.from(Float32Array.from(f)),
        );
      }
      env.close();
    }
  });
});
