import { type AnyScorer, cem } from '@vmbrl/planners';
import { initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { studyModelFromPreset } from './make.js';
import type { StudyDesign } from './study-config.js';
import { A, squares, stepOf } from './testing.js';
import type { StudyModel } from './types.js';

beforeAll(async () => {
  await initBackend();
});

/** Every design and R's variants at the debug size (debug horizons are 3). */
const CASES: Array<[string, () => StudyModel]> = [
  ...(['R_recurrent', 'R_conv', 'R_LL'] as const).map(
    (variant) =>
      [
        variant,
        () => studyModelFromPreset('R', 'debug', { actionDim: A, seed: 3 }, { variant }),
      ] as [string, () => StudyModel],
  ),
  ...(['LTLR', 'LTOR', 'OTOR', 'OTLR'] as StudyDesign[]).map(
    (design) =>
      [design, () => studyModelFromPreset(design, 'debug', { actionDim: A, seed: 3 })] as [
        string,
        () => StudyModel,
      ],
  ),
];

describe("the planners' CEM plans with every design", () => {
  for (const [name, build] of CASES) {
    it(`${name}: the belief's scorer is a planner scorer; CEM returns a bounded action and leaks nothing`, async () => {
      const model = build();
      const batch = squares(1, 3, 9);
      const first = model.observe(null, stepOf(batch, 0));
      const belief = model.observe(first, stepOf(batch, 1));
      model.disposeBelief(first);
      const before = tf.memory().numTensors;
      // Compile-time check of the contract: a StudyScorer is what the planners accept.
      const scorer: AnyScorer = model.scorer(belief);
      const plan = await cem(scorer, {
        horizon: 3,
        iterations: 3,
        candidates: 16,
        topK: 4,
        seed: 1,
      });
      expect(plan.action.length).toBe(A);
      for (const a of plan.action) expect(Math.abs(a)).toBeLessThanOrEqual(1);
      expect(plan.eliteReturns.every(Number.isFinite)).toBe(true);
      // The array path (scores on typed arrays) works from the same belief too.
      const viaArrays = await cem(scorer, {
        horizon: 3,
        iterations: 1,
        candidates: 8,
        topK: 2,
        seed: 1,
        path: 'array',
      });
      expect(viaArrays.action.length).toBe(A);
      expect(tf.memory().numTensors).toBe(before);
      model.disposeBelief(belief);
      model.dispose();
    });
  }
});
