import { initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { studyModelFromPreset } from './make.js';
import type { RewardOnlyModel } from './reward-only-model.js';
import { A, conformanceTests, squares } from './testing.js';

beforeAll(async () => {
  await initBackend();
});

const build = (variant: 'R_recurrent' | 'R_conv', seed = 1) =>
  studyModelFromPreset('R', 'debug', { actionDim: A, seed }, { variant }) as RewardOnlyModel;

describe('R (reward only)', () => {
  for (const variant of ['R_recurrent', 'R_conv'] as const) {
    it(`${variant}: design R, variant ${variant}, sequences of horizon + 1 steps`, () => {
      const model = build(variant);
      expect([model.design, model.variant, model.sequenceLength]).toEqual(['R', variant, 4]);
      model.dispose();
    });
    conformanceTests(variant, (seed) => build(variant, seed), {
      horizon: 3,
      fit: { steps: 60, ratio: 0.6 },
    });
  }

  it('R_conv plans only its own horizon; R_recurrent unrolls any', () => {
    const conv = build('R_conv');
    const belief = conv.observe(null, {
      image: new Uint8Array(64 * 64 * 3),
      action: new Float32Array(A),
      reward: 0,
    });
    expect(() => conv.scorer(belief).score(new Float32Array(2 * 4 * A), 2, 4)).toThrow(
      /exactly its horizon of 3/,
    );
    conv.disposeBelief(belief);
    const recurrent = build('R_recurrent');
    const b = recurrent.observe(null, {
      image: new Uint8Array(64 * 64 * 3),
      action: new Float32Array(A),
      reward: 0,
    });
    expect(recurrent.scorer(b).score(new Float32Array(2 * 7 * A), 2, 7).length).toBe(2);
    recurrent.disposeBelief(b);
  });

  it('the scorer sums the rewards predict gives for the same observation and actions', () => {
    // Independent path: predict() reads windows from a batch; the scorer starts from a belief.
    const model = build('R_recurrent');
    const batch = squares(1, 4, 5);
    model.trainStep(squares(4, 4, 6));
    const predicted = model.predict(batch, 1, 3);
    const expected = tf.sum(predicted.rewards).dataSync()[0] as number;
    const belief = model.observe(null, {
      image: (batch.image as Uint8Array).slice(0, 64 * 64 * 3),
      action: new Float32Array(A),
      reward: batch.reward[0] as number,
    });
    const returns = model.scorer(belief).score(batch.action.slice(A, 4 * A), 1, 3);
    expect(returns[0]).toBeCloseTo(expected, 5);
    tf.dispose(predicted.rewards);
    model.disposeBelief(belief);
  });

  it('parameter count: Table 8 at the paper size, layer by layer', () => {
    const model = studyModelFromPreset('R', 'paper', { actionDim: 6, seed: 0 });
    // Convs 3x3: 3->32, 32->64, 64->16, 16->8 (64 -> 31 -> 15 -> 7 -> 3, 72 features);
    // encoders 6->32->16->8 and 1->32->16->8; LSTM (72 + 8 + 8 + 64) x 256 + 256; head 64->32->2->1.
    const convs = 3 * 3 * 3 * 32 + 32 + (9 * 32 * 64 + 64) + (9 * 64 * 16 + 16) + (9 * 16 * 8 + 8);
    const action = 6 * 32 + 32 + (32 * 16 + 16) + (16 * 8 + 8);
    const reward = 32 + 32 + (32 * 16 + 16) + (16 * 8 + 8);
    const lstm = (72 + 8 + 8 + 64) * 256 + 256;
    const head = 64 * 32 + 32 + (32 * 2 + 2) + (2 + 1);
    expect(model.parameterCount()).toBe(convs + action + reward + lstm + head);
    model.dispose();
  });
});
