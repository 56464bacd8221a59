import { describe, expect, it } from 'vitest';
import { type EnvConfig, makeWrappedEnv } from './make.js';
import { VectorEnv } from './vector-env.js';

describe('VectorEnv', () => {
  it('steps envs in worker threads with results identical to one thread', async () => {
    const configs: EnvConfig[] = [
      { task: 'cartpole-swingup', actionRepeat: 2, pixels: true, size: 32 },
      { task: 'walker-walk', actionRepeat: 2 },
      { task: 'ball_in_cup-catch', pixels: true, size: 16 },
    ];
    const vec = await VectorEnv.create(configs, { workers: 2 });
    const local = await Promise.all(configs.map((c) => makeWrappedEnv(c)));
    const seeds = [3, 4, 5];
    const first = await vec.reset(seeds);
    const firstLocal = local.map((e, i) => e.reset(seeds[i]));
    expect(first.map((t) => Array.from(t.observation.state!))).toEqual(
      firstLocal.map((t) => Array.from(t.observation.state!)),
    );
    for (let t = 0; t < 25; t++) {
      const actions = local.map((e, i) =>
        Array.from({ length: e.actionSpec.shape[0] }, (_, k) => Math.sin(0.37 * t + k + i)),
      );
      const remote = await vec.step(actions);
      const here = local.map((e, i) => e.step(actions[i]));
      for (let i = 0; i < configs.length; i++) {
        expect(remote[i].reward).toBe(here[i].reward);
        expect(remote[i].last).toBe(here[i].last);
        expect(Array.from(remote[i].observation.state!)).toEqual(
          Array.from(here[i].observation.state!),
        );
        if (here[i].observation.image) {
          expect(Array.from(remote[i].observation.image!)).toEqual(
            Array.from(here[i].observation.image!),
          );
        }
      }
    }
    // oracle through the workers: restore and replay one step
    const states = await vec.getState();
    const a = local.map((e) => new Array(e.actionSpec.shape[0]).fill(0.2));
    const r1 = await vec.step(a);
    await vec.setState(states);
    const r2 = await vec.step(a);
    expect(r2.map((t) => t.reward)).toEqual(r1.map((t) => t.reward));
    await expect(vec.step([[0]])).rejects.toThrow(/1 entries; this VectorEnv has 3 envs/);
    await expect(vec.step([[Number.NaN], [0, 0, 0, 0, 0, 0], [0, 0]])).rejects.toThrow(
      /action\[0\] is NaN/,
    );
    await vec.close();
    for (const e of local) e.close();
  });

  it('reports a bad config from the worker', async () => {
    await expect(VectorEnv.create([{ task: 'nope' }])).rejects.toThrow(/unknown task 'nope'/);
  });
});
