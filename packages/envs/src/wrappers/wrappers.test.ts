import type { TimeStep } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { makeWrappedEnv } from '../make.js';
import { makeEnv } from '../registry.js';
import { ActionNoise, ActionRepeat, PixelObservation, TimeLimit } from './wrappers.js';

const actions = (n: number, nu: number) =>
  Array.from({ length: n }, (_, t) => Array.from({ length: nu }, (_, i) => Math.sin(0.3 * t + i)));

describe('wrappers', () => {
  it('ActionRepeat sums the rewards of the repeated steps and stops at the episode end', async () => {
    const base = await makeEnv('cartpole-balance');
    const ref = await makeEnv('cartpole-balance');
    const env = new ActionRepeat(base, 3);
    env.reset(5);
    ref.reset(5);
    for (const a of actions(4, 1)) {
      const ts = env.step(a);
      let sum = 0;
      let last: TimeStep | undefined;
      for (let k = 0; k < 3; k++) {
        last = ref.step(a);
        sum += last.reward;
      }
      expect(ts.reward).toBeCloseTo(sum, 12);
      expect(Array.from(ts.observation.state!)).toEqual(Array.from(last!.observation.state!));
    }
    // 1000 control steps with repeat 3: 333 full steps and one of a single control step
    let ts = env.reset(0);
    let n = 0;
    while (!ts.last) {
      ts = env.step([0]);
      n++;
    }
    expect(n).toBe(334);
    expect(base.steps).toBe(1000);
    expect(() => new ActionRepeat(base, 0)).toThrow(/integer >= 1/);
    env.close();
    ref.close();
  });

  it('TimeLimit ends episodes early with discount 1', async () => {
    const env = new TimeLimit(await makeEnv('reacher-easy'), 5);
    let ts = env.reset(0);
    const seen: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      ts = env.step([0.1, -0.1]);
      seen.push(ts.last);
    }
    expect(seen).toEqual([false, false, false, false, true]);
    expect(ts.discount).toBe(1);
    expect(() => env.step([0, 0])).toThrow(/time limit/);
    env.close();
  });

  it('PixelObservation renders once per (repeated) step, the frame of the final state', async () => {
    const base = await makeEnv('cartpole-swingup');
    let renders = 0;
    const render = base.render.bind(base);
    base.render = (size?: number) => {
      renders++;
      return render(size);
    };
    const env = new PixelObservation(new ActionRepeat(base, 4), 32);
    expect(env.observationSpec.image?.shape).toEqual([32, 32, 3]);
    env.reset(1);
    const ts = env.step([0.5]);
    expect(renders).toBe(2);
    expect(base.steps).toBe(4);
    expect(ts.observation.image?.length).toBe(32 * 32 * 3);
    expect(Array.from(ts.observation.image!)).toEqual(Array.from(render(32)));
    env.close();
  });

  it('ActionNoise adds seeded Gaussian noise and clips to the bounds', async () => {
    const a = new ActionNoise(await makeEnv('cartpole-balance'), 0.3, 0);
    const b = new ActionNoise(await makeEnv('cartpole-balance'), 0.3, 0);
    a.reset(2);
    b.reset(2);
    const ctrlA: number[] = [];
    const ctrlB: number[] = [];
    const inner = a.env as Awaited<ReturnType<typeof makeEnv>>;
    for (let i = 0; i < 200; i++) {
      a.step([0.9]);
      b.step([0.9]);
      ctrlA.push(inner.physics.v.ctrl[0]);
      ctrlB.push((b.env as typeof inner).physics.v.ctrl[0]);
    }
    expect(ctrlA).toEqual(ctrlB);
    expect(Math.max(...ctrlA)).toBe(1); // 0.9 + noise often exceeds 1: clipped
    const below = ctrlA.filter((c) => c < 1);
    const mean = below.reduce((s, c) => s + c, 0) / below.length;
    expect(mean).toBeLessThan(0.9); // only the lower side of the noise survives clipping
    expect(Math.min(...ctrlA)).toBeGreaterThan(-0.5);
    a.close();
    b.close();
  });

  it('makeWrappedEnv composes and state save/restore passes through the wrappers', async () => {
    const env = await makeWrappedEnv({
      task: 'walker-walk',
      actionRepeat: 2,
      pixels: true,
      size: 16,
    });
    env.reset(4);
    const s = env.getState();
    const r1 = env.step([0.1, 0.2, 0.3, -0.1, -0.2, -0.3]);
    env.setState(s);
    const r2 = env.step([0.1, 0.2, 0.3, -0.1, -0.2, -0.3]);
    expect(r2.reward).toBe(r1.reward);
    expect(Array.from(r2.observation.image!)).toEqual(Array.from(r1.observation.image!));
    env.close();
  });
});
