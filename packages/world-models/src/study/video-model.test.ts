import { initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { studyModelFromPreset } from './make.js';
import type { DeepPartial } from './overlay.js';
import { A, conformanceTests, gradientMagnitudes, squares, stepOf } from './testing.js';
import type { VideoDesignConfig } from './video-config.js';
import type { VideoStudyModel } from './video-model.js';

beforeAll(async () => {
  await initBackend();
});

const build = (design: 'OTOR' | 'OTLR', seed = 1, overrides: DeepPartial<VideoDesignConfig> = {}) =>
  studyModelFromPreset(design, 'debug', { actionDim: A, seed }, overrides) as VideoStudyModel;

describe('pixel-space designs: OTOR, OTLR', () => {
  for (const design of ['OTOR', 'OTLR'] as const) {
    it(`${design}: sequences of 2 context + 3 predicted frames (debug)`, () => {
      const model = build(design);
      expect(model.sequenceLength).toBe(5);
      model.dispose();
    });
    conformanceTests(design, (seed) => build(design, seed), {
      horizon: 3,
      fit: { steps: 20, ratio: 0.85 },
      // A larger step than Table 11's 1e-3 so that the tiny debug model moves within 20 updates.
      buildForFit: () => build(design, 1, { learningRate: 5e-3 }),
    });
  }

  it('the belief keeps the last two frames; the first frame fills both slots at the start', () => {
    const model = build('OTOR');
    const batch = squares(1, 5, 3);
    const first = model.observe(null, stepOf(batch, 0));
    const second = model.observe(first, stepOf(batch, 1));
    const frame = (t: number) =>
      Array.from((batch.image as Uint8Array).slice(t * 12288, (t + 1) * 12288), (v) =>
        Math.fround(v / 255),
      );
    const read = (x: tf.Tensor, i: number) =>
      Array.from(tf.tidy(() => tf.slice(x, i, 1).dataSync()));
    expect(read(first.frames, 0)).toEqual(frame(0));
    expect(read(first.frames, 1)).toEqual(frame(0));
    expect(read(second.frames, 0)).toEqual(frame(0));
    expect(read(second.frames, 1)).toEqual(frame(1));
    expect(Array.from(second.actions.dataSync())).toEqual([
      0,
      0,
      ...Array.from(batch.action.slice(A, 2 * A)),
    ]);
    model.disposeBelief(first);
    model.disposeBelief(second);
    model.dispose();
  });
});

describe('gradient routing of the pixel-space designs', () => {
  const batch = squares(2, 5, 8);
  const routes = (model: VideoStudyModel, term: 'image' | 'reward' | 'kl') =>
    gradientMagnitudes(model.namedVariables(), () => {
      const { terms } = model.lossOf(model.toTensors(batch, false));
      return terms[term] as tf.Scalar;
    });
  const maxOf = (g: Map<string, number>, pick: (name: string) => boolean) =>
    Math.max(...[...g].filter(([n]) => pick(n)).map(([, v]) => v));
  const video = (n: string) => n.startsWith('sv2p/');
  const posterior = (n: string) => n.startsWith('sv2p/posterior/');
  const tower = (n: string) => video(n) && !posterior(n);

  for (const design of ['OTOR', 'OTLR'] as const) {
    const head = (n: string) => !video(n);
    it(`${design}: the reward loss moves no video-model variable, only the reward network`, () => {
      const model = build(design);
      const reward = routes(model, 'reward');
      expect(maxOf(reward, video)).toBe(0);
      expect(maxOf(reward, head)).toBeGreaterThan(0);
      model.dispose();
    });

    it(`${design}: the image loss shapes the tower and the posterior, not the reward network`, () => {
      const model = build(design);
      const image = routes(model, 'image');
      expect(maxOf(image, tower)).toBeGreaterThan(0);
      expect(maxOf(image, posterior)).toBeGreaterThan(0);
      expect(maxOf(image, head)).toBe(0);
      expect(maxOf(routes(model, 'kl'), posterior)).toBeGreaterThan(0);
      model.dispose();
    });

    it(`${design}: with a shared latent the reward loss reaches the tower (the switch works)`, () => {
      const model = build(design, 1, { shareLatent: true });
      expect(maxOf(routes(model, 'reward'), tower)).toBeGreaterThan(0);
      model.dispose();
    });
  }
});

describe('planning view of the pixel-space designs', () => {
  for (const design of ['OTOR', 'OTLR'] as const) {
    it(`${design}: the scorer's return from a belief equals the summed open-loop rewards of the same steps`, () => {
      const model = build(design, 2);
      const batch = squares(1, 5, 12);
      const first = model.observe(null, stepOf(batch, 0));
      const belief = model.observe(first, stepOf(batch, 1));
      // Same z: both draw it from the sampling stream's next seed with one sequence.
      const rng = (
        model as unknown as { samplingRng: { getState(): unknown; setState(s: unknown): void } }
      ).samplingRng;
      const state = rng.getState();
      const returns = model.scorer(belief).score(batch.action.slice(2 * A, 5 * A), 1, 3);
      rng.setState(state);
      const predicted = model.predict(batch, 2, 3);
      expect(returns[0]).toBeCloseTo(tf.sum(predicted.rewards).dataSync()[0] as number, 4);
      tf.dispose([predicted.rewards, predicted.frames ?? []].flat());
      model.disposeBelief(first);
      model.disposeBelief(belief);
      model.dispose();
    });
  }
});
