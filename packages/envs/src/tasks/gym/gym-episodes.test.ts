import { describe, expect, it } from 'vitest';
import type { ControlEnv } from '../../control-env.js';
import { getMujoco } from '../../mujoco/module.js';
import { Physics } from '../../mujoco/physics.js';
import { getTaskSpec, makeEnv } from '../../registry.js';
import type { Task } from '../common.js';

/** A task on its own physics; `at` puts qpos entries and reports whether it is terminal. */
async function probe(name: string) {
  const spec = getTaskSpec(name);
  const physics = new Physics(await getMujoco(), spec.xml, spec.domain);
  const task: Task = spec.create(physics);
  const at = (qpos: Record<number, number>, qvel: Record<number, number> = {}): boolean => {
    physics.reset();
    for (const [i, x] of Object.entries(qpos)) physics.v.qpos[Number(i)] = x;
    for (const [i, x] of Object.entries(qvel)) physics.v.qvel[Number(i)] = x;
    physics.forward();
    return task.terminated?.() ?? false;
  };
  return { at, physics };
}

/** Deterministic pseudo-random actions in the action bounds (a fixed LCG). */
function actionSource(seed: number, env: ControlEnv): () => number[] {
  let s = seed * 7919 + 1;
  const { min, max, shape } = env.actionSpec;
  return () =>
    Array.from({ length: shape[0] }, () => {
      s = (s * 16807) % 2147483647;
      return min + ((max - min) * s) / 2147483647;
    });
}

describe('Gym-style termination rules', () => {
  it('hopper: height > 0.7, |angle| < 0.2, |qpos[2:]|, |qvel| < 100, finite', async () => {
    const { at, physics } = await probe('hopper');
    expect(at({})).toBe(false); // standing at 1.25 m, upright
    expect(at({ 1: 0.69 })).toBe(true);
    expect(at({ 1: 0.71 })).toBe(false);
    expect(at({ 2: 0.21 })).toBe(true);
    expect(at({ 2: -0.21 })).toBe(true);
    expect(at({ 2: 0.19 })).toBe(false);
    expect(at({}, { 0: 101 })).toBe(true); // x velocity counts (state_vector()[2:])
    expect(at({ 0: 150 })).toBe(false); // x position does not
    expect(at({}, { 4: Number.NaN })).toBe(true);
    physics.dispose();
  });

  it('walker2d: 0.8 < height < 2 and -1 < angle < 1', async () => {
    const { at, physics } = await probe('walker2d');
    expect(at({})).toBe(false);
    expect(at({ 1: 0.79 })).toBe(true);
    expect(at({ 1: 2.01 })).toBe(true);
    expect(at({ 1: 1.99 })).toBe(false);
    expect(at({ 2: 1.01 })).toBe(true);
    expect(at({ 2: -1.01 })).toBe(true);
    expect(at({ 2: 0.99 })).toBe(false);
    expect(at({}, { 0: 500 })).toBe(false); // velocities do not matter here
    physics.dispose();
  });

  it('ant: 0.2 <= torso z <= 1 and a finite state; humanoid: 1 <= z <= 2', async () => {
    const ant = await probe('ant');
    expect(ant.at({})).toBe(false); // 0.75 m
    expect(ant.at({ 2: 1.01 })).toBe(true);
    expect(ant.at({ 2: 1 })).toBe(false);
    expect(ant.at({ 2: 0.19 })).toBe(true);
    expect(ant.at({ 2: 0.2 })).toBe(false);
    expect(ant.at({}, { 3: Number.POSITIVE_INFINITY })).toBe(true);
    ant.physics.dispose();
    const humanoid = await probe('humanoid');
    expect(humanoid.at({})).toBe(false); // 1.4 m
    expect(humanoid.at({ 2: 0.99 })).toBe(true);
    expect(humanoid.at({ 2: 1 })).toBe(false);
    expect(humanoid.at({ 2: 2.01 })).toBe(true);
    humanoid.physics.dispose();
  });

  it('half-cheetah never terminates, even upside down', async () => {
    const { at, physics } = await probe('half-cheetah');
    expect(at({ 1: -0.5, 2: Math.PI })).toBe(false);
    physics.dispose();
  });

  it('a fall ends the episode with discount 0; later steps throw', async () => {
    const env = await makeEnv('hopper');
    env.reset(0);
    env.physics.v.qpos[1] = 0.6; // drop the torso below 0.7 m
    env.physics.forward();
    const ts = env.step([0, 0, 0]);
    expect(ts.last).toBe(true);
    expect(ts.discount).toBe(0);
    // the healthy reward is still paid on the terminal step (v2)
    expect(ts.reward).toBeGreaterThan(0);
    expect(() => env.step([0, 0, 0])).toThrow(/episode has ended/);
    // a saved terminal state restores as ended
    const saved = env.getState();
    env.reset(0);
    env.setState(saved);
    expect(() => env.step([0, 0, 0])).toThrow(/episode has ended/);
    env.close();
  });
});

describe('Gym-style observations', () => {
  it('are qpos without x (x, y for 3D) then qvel, clipped to 10 for hopper and walker2d', async () => {
    for (const name of [
      'half-cheetah',
      'hopper',
      'walker2d',
      'ant-truncated',
      'humanoid-truncated',
    ]) {
      const env = await makeEnv(name);
      const ts = env.reset(4);
      env.physics.v.qvel[3] = 25;
      env.physics.forward();
      const obs = env.observe();
      const v = env.physics.v;
      const skip = name.includes('truncated') ? 2 : 1;
      const clip = name === 'hopper' || name === 'walker2d' ? 10 : Number.POSITIVE_INFINITY;
      const expected = [
        ...Array.from(v.qpos).slice(skip),
        ...Array.from(v.qvel).map((q) => Math.max(-clip, Math.min(clip, q))),
      ];
      expect(Array.from(obs), name).toEqual(Array.from(Float32Array.from(expected)));
      expect(ts.observation.state?.length).toBe(obs.length);
      env.close();
    }
  });

  it('full humanoid: qpos, qvel, cinert, cvel, actuator forces (gear x action), cfrc_ext', async () => {
    const env = await makeEnv('humanoid');
    env.reset(2);
    const action = Array.from({ length: 17 }, (_, i) => 0.35 * Math.sin(3 * i + 1));
    const state = env.step(action).observation.state!;
    const d = env.physics.data;
    const m = env.physics.model;
    const parts = [d.cinert, d.cvel] as Float64Array[];
    expect(Array.from(state.subarray(45, 185))).toEqual(Array.from(Float32Array.from(parts[0])));
    expect(Array.from(state.subarray(185, 269))).toEqual(Array.from(Float32Array.from(parts[1])));
    // motors: qfrc_actuator at the motor's dof is gear * action; the free joint's 6 dofs get 0
    const gear = m.actuator_gear as Float64Array;
    const trnid = m.actuator_trnid as Int32Array;
    const dofAdr = m.jnt_dofadr as Int32Array;
    const expected = new Float64Array(23);
    for (let a = 0; a < 17; a++) expected[dofAdr[trnid[2 * a]]] = gear[6 * a] * action[a];
    const got = Array.from(state.subarray(269, 292));
    got.forEach((x, i) => expect(x, `dof ${i}`).toBeCloseTo(expected[i], 4));
    expect(state.length).toBe(292 + 84);
    env.close();
  });

  it('truncated tasks see the same dynamics and rewards as the full ones (prefix of the observation)', async () => {
    for (const [full, truncated] of [
      ['ant', 'ant-truncated'],
      ['humanoid', 'humanoid-truncated'],
    ]) {
      const a = await makeEnv(full);
      const b = await makeEnv(truncated);
      let ta = a.reset(5);
      let tb = b.reset(5);
      const next = actionSource(5, a);
      for (let t = 0; t < 15 && !ta.last; t++) {
        const action = next();
        ta = a.step(action);
        tb = b.step(action);
        expect(tb.reward).toBe(ta.reward);
        expect(tb.last).toBe(ta.last);
        const n = tb.observation.state!.length;
        expect(Array.from(tb.observation.state!)).toEqual(
          Array.from(ta.observation.state!.subarray(0, n)),
        );
      }
      a.close();
      b.close();
    }
  });
});

describe('Gym-style episodes', () => {
  it('reset noise has the v2 scale around the initial pose', async () => {
    const cases: Array<[string, number, number[]]> = [
      // task, qpos noise bound, qpos0
      ['hopper', 5e-3, [0, 1.25, 0, 0, 0, 0]],
      ['walker2d', 5e-3, [0, 1.25, 0, 0, 0, 0, 0, 0, 0]],
      ['half-cheetah', 0.1, [0, 0, 0, 0, 0, 0, 0, 0, 0]],
      ['humanoid', 0.01, [0, 0, 1.4, 1, ...new Array(20).fill(0)]],
      ['ant', 0.1, [0, 0, 0.75, 1, ...new Array(11).fill(0)]],
    ];
    for (const [name, bound, qpos0] of cases) {
      const env = await makeEnv(name);
      let maxDev = 0;
      for (let seed = 0; seed < 5; seed++) {
        env.reset(seed);
        const q = env.physics.v.qpos;
        for (let i = 0; i < q.length; i++) maxDev = Math.max(maxDev, Math.abs(q[i] - qpos0[i]));
      }
      expect(maxDev, name).toBeLessThanOrEqual(bound);
      expect(maxDev, name).toBeGreaterThan(0.5 * bound);
      env.close();
    }
  });

  it('is deterministic under a seed and differs across seeds', async () => {
    for (const name of ['hopper', 'ant', 'humanoid']) {
      const env = await makeEnv(name);
      const run = (seed: number) => {
        let ts = env.reset(seed);
        const next = actionSource(1, env);
        const out: number[] = [...ts.observation.state!];
        for (let t = 0; t < 10 && !ts.last; t++) {
          ts = env.step(next());
          out.push(ts.reward, ...ts.observation.state!);
        }
        return out;
      };
      expect(run(7)).toEqual(run(7));
      expect(run(8)).not.toEqual(run(7));
      env.close();
    }
  });

  it('replays bit-identically after setState', async () => {
    const env = await makeEnv('ant');
    env.reset(3);
    const next = actionSource(3, env);
    const actions = Array.from({ length: 12 }, next);
    for (let t = 0; t < 3; t++) env.step(actions[t]);
    const saved = env.getState();
    const first = actions.slice(3).map((a) => env.step(a));
    env.reset(9);
    env.step(actions[0]);
    env.setState(saved);
    const second = actions.slice(3).map((a) => env.step(a));
    expect(second.map((t) => t.reward)).toEqual(first.map((t) => t.reward));
    expect(second.map((t) => Array.from(t.observation.state!))).toEqual(
      first.map((t) => Array.from(t.observation.state!)),
    );
    env.close();
  });

  it('random-policy returns match what the reward terms predict (3 seeds)', async () => {
    // What the reward terms predict for uniform actions (E[a^2] = bound^2 / 3) and little net
    // motion: half-cheetah -0.1 * 6/3 per step = -200 over 1000 steps (plus drift); hopper and
    // walker2d about +1 per step until they fall; ant 1 - 0.5 * 8/3 = -0.33 per step; humanoid
    // 5 - 0.1 * 17 * 0.16/3 = 4.9 per step for the few dozen steps before it falls.
    const bands: Record<string, [number, number, number]> = {
      // task: [lowest mean return, highest mean return, longest episode]
      'half-cheetah': [-600, -100, 1000],
      hopper: [0, 100, 200],
      walker2d: [-30, 50, 200],
      'ant-truncated': [-400, 50, 1000],
      'humanoid-truncated': [50, 300, 100],
    };
    for (const [name, [lo, hi, maxLen]] of Object.entries(bands)) {
      const env = await makeEnv(name);
      let total = 0;
      for (let seed = 0; seed < 3; seed++) {
        let ts = env.reset(seed);
        const next = actionSource(seed, env);
        let steps = 0;
        while (!ts.last) {
          ts = env.step(next());
          total += ts.reward;
          steps++;
        }
        expect(steps, name).toBeLessThanOrEqual(maxLen);
        if (name === 'half-cheetah') expect(ts.discount).toBe(1);
        else if (steps < 1000) expect(ts.discount, name).toBe(0);
      }
      const mean = total / 3;
      expect(mean, name).toBeGreaterThan(lo);
      expect(mean, name).toBeLessThan(hi);
      env.close();
    }
  });
});
