import { describe, expect, it } from 'vitest';
import { Physics } from './mujoco/physics.js';
import { getTaskSpec, listTasks, makeEnv } from './registry.js';

describe('registry', () => {
  it('lists the seven suite tasks, then the Gym-style tasks, and names valid tasks on an unknown name', async () => {
    expect(listTasks()).toEqual([
      'cartpole-balance',
      'cartpole-swingup',
      'reacher-easy',
      'cheetah-run',
      'finger-spin',
      'ball_in_cup-catch',
      'walker-walk',
      'half-cheetah',
      'hopper',
      'walker2d',
      'ant',
      'ant-truncated',
      'humanoid',
      'humanoid-truncated',
    ]);
    expect(() => getTaskSpec('cartpole-swing')).toThrow(
      /unknown task 'cartpole-swing'; valid tasks: cartpole-balance/,
    );
    await expect(makeEnv('nope')).rejects.toThrow(/walker-walk/);
  });

  it('uses the suite timesteps: physics dt x substeps = control dt', async () => {
    const expected: Record<string, [number, number]> = {
      'cartpole-balance': [0.01, 1],
      'reacher-easy': [0.02, 1],
      'cheetah-run': [0.01, 1],
      'finger-spin': [0.01, 2],
      'ball_in_cup-catch': [0.002, 10],
      'walker-walk': [0.0025, 10],
    };
    for (const [name, [dt, sub]] of Object.entries(expected)) {
      const env = await makeEnv(name);
      expect(env.physics.timestep).toBeCloseTo(dt, 12);
      expect(env.spec.substeps).toBe(sub);
      expect(env.physics.timestep * sub).toBeCloseTo(env.spec.controlTimestep, 12);
      env.close();
    }
  });
});

describe('ControlEnv', () => {
  it('runs 1000 control steps per episode with rewards in [0, 1]', async () => {
    const env = await makeEnv('finger-spin');
    let ts = env.reset(3);
    expect(ts.observation.state?.length).toBe(env.observationSpec.state?.shape[0]);
    let n = 0;
    while (!ts.last) {
      ts = env.step([Math.sin(n), Math.cos(n)]);
      expect(ts.reward).toBeGreaterThanOrEqual(0);
      expect(ts.reward).toBeLessThanOrEqual(1);
      expect(ts.discount).toBe(1);
      n++;
    }
    expect(n).toBe(1000);
    expect(() => env.step([0, 0])).toThrow(/episode has ended; call reset/);
    env.close();
  });

  it('is reproducible per seed and differs across seeds', async () => {
    for (const name of listTasks()) {
      const env = await makeEnv(name);
      const a = env.reset(7).observation.state!;
      const b = env.reset(7).observation.state!;
      const c = env.reset(8).observation.state!;
      expect(Array.from(b)).toEqual(Array.from(a));
      expect(Array.from(c)).not.toEqual(Array.from(a));
      env.close();
    }
    const env = await makeEnv('reacher-easy');
    expect(() => env.reset(-1)).toThrow(/seed must be an integer in \[0, 2\^32\)/);
    env.close();
  });

  it('clips actions and rejects NaN or wrong-length actions', async () => {
    const env = await makeEnv('cartpole-balance');
    env.reset(0);
    env.step([5]);
    expect(env.physics.v.ctrl[0]).toBe(1);
    env.step([-3]);
    expect(env.physics.v.ctrl[0]).toBe(-1);
    expect(() => env.step([Number.NaN])).toThrow(/action\[0\] is NaN/);
    expect(() => env.step([0, 0])).toThrow(/length 2; this environment takes 1/);
    env.close();
  });

  it('replays bit-identically after setState (the oracle)', async () => {
    for (const name of ['walker-walk', 'reacher-easy', 'ball_in_cup-catch']) {
      const env = await makeEnv(name);
      env.reset(11);
      const nu = env.actionSpec.shape[0];
      const actions = Array.from({ length: 30 }, (_, t) =>
        Array.from({ length: nu }, (_, i) => Math.sin(t * 0.7 + i)),
      );
      for (let t = 0; t < 10; t++) env.step(actions[t]);
      const saved = env.getState();
      const run = () => actions.map((a) => env.step(a));
      const first = run();
      // disturb: a new episode with another seed, then restore
      env.reset(99);
      env.step(actions[0]);
      env.setState(saved);
      const second = run();
      for (let t = 0; t < first.length; t++) {
        expect(second[t].reward).toBe(first[t].reward);
        expect(Array.from(second[t].observation.state!)).toEqual(
          Array.from(first[t].observation.state!),
        );
      }
      env.close();
    }
  });

  it('keeps working when other envs grow the wasm heap (views are re-fetched)', async () => {
    const a = await makeEnv('walker-walk');
    const ref = await makeEnv('walker-walk');
    a.reset(1);
    ref.reset(1);
    a.step([0.5, 0, 0, 0, 0, 0]);
    ref.step([0.5, 0, 0, 0, 0, 0]);
    const heapBefore = a.physics.v.qpos.buffer;
    // models with a large arena force the wasm memory to grow, detaching old views
    const big =
      '<mujoco><size memory="8M"/><worldbody><geom type="sphere" size="1"/></worldbody></mujoco>';
    const others = Array.from({ length: 4 }, () => new Physics(a.physics.mj, big, 'big'));
    expect(heapBefore.byteLength).toBe(0);
    const ta = a.step([0.5, 0, 0, 0, 0, 0]);
    const tr = ref.step([0.5, 0, 0, 0, 0, 0]);
    expect(Array.from(ta.observation.state!)).toEqual(Array.from(tr.observation.state!));
    expect(a.render(16)).toEqual(ref.render(16));
    for (const e of [a, ref]) e.close();
    for (const p of others) p.dispose();
  });
});
