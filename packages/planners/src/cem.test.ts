import { Rng, initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { cem } from './cem.js';
import { QuadraticScorer, clipped } from './test-scorers.js';

beforeAll(async () => {
  await initBackend();
});

const H = 5;
const A = 2;
const PATHS = ['tensor', 'array'] as const;

/** Targets inside [-1, 1]: 0.8 sin(1 + 2.3 k). */
const inside = Float32Array.from({ length: H * A }, (_, k) => 0.8 * Math.sin(1 + 2.3 * k));
/** Half the targets outside the bounds (|target| = 1.6). */
const outside = Float32Array.from({ length: H * A }, (_, k) => (k % 2 ? 1.6 : -0.3 * k));

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** Standard-normal noise per draw, generated once, so two planners can share it. */
function sharedNoise(seed: number): (draw: number, size: number) => Float32Array {
  const cache = new Map<number, Float32Array>();
  return (draw, size) => {
    let noise = cache.get(draw);
    if (!noise) {
      const rng = new Rng(seed).split(`draw-${draw}`);
      noise = Float32Array.from({ length: size }, () => rng.normal());
      cache.set(draw, noise);
    }
    return noise;
  };
}

describe('cem finds the maximum of a concave return', () => {
  for (const path of PATHS) {
    it(`${path} path: target inside the bounds`, async () => {
      const scorer = new QuadraticScorer(A, inside);
      const result = await cem(scorer, {
        horizon: H,
        candidates: 300,
        topK: 30,
        iterations: 10,
        seed: 1,
        path,
      });
      // The optimum is the target itself; CEM's mean should sit on it.
      expect(maxAbsDiff(result.mean, inside)).toBeLessThan(0.05);
      expect(Array.from(result.action)).toEqual(Array.from(result.mean.slice(0, A)));
      // Belief collapses around the optimum, and the best return approaches 0 from below.
      expect(Math.max(...result.std)).toBeLessThan(0.1);
      expect(result.bestReturn).toBeLessThanOrEqual(0);
      expect(result.bestReturn).toBeGreaterThan(-0.02);
      // Elite returns improve from the first to the last iteration.
      expect(result.eliteReturns[9]).toBeGreaterThan(result.eliteReturns[0] as number);
      expect(scorer.scoreCalls).toBe(10);
    });

    it(`${path} path: target outside the bounds ends on the bound`, async () => {
      const scorer = new QuadraticScorer(A, outside);
      const result = await cem(scorer, {
        horizon: H,
        candidates: 300,
        topK: 30,
        iterations: 10,
        seed: 2,
        path,
      });
      const optimum = clipped(outside, -1, 1);
      expect(maxAbsDiff(result.mean, optimum)).toBeLessThan(0.05);
      // Samples are clipped, so no mean component can leave the bounds.
      for (const m of result.mean) expect(Math.abs(m)).toBeLessThanOrEqual(1);
    });
  }

  it('respects custom action bounds', async () => {
    const scorer = new QuadraticScorer(A, outside);
    const result = await cem(scorer, {
      horizon: H,
      candidates: 300,
      topK: 30,
      iterations: 10,
      seed: 3,
      actionMin: -0.5,
      actionMax: 0.25,
    });
    expect(maxAbsDiff(result.mean, clipped(outside, -0.5, 0.25))).toBeLessThan(0.03);
  });
});

/**
 * One iteration over J = 4 samples of one step, one action, noise chosen by hand: with target
 * 1.2 the returns -(a - 1.2)^2 on the clipped samples [0.2, -1, 0.9, 1] make 1 and 0.9 the best
 * two.
 */
function refitOnce(path: (typeof PATHS)[number], varianceEpsilon?: number) {
  const noise = Float32Array.from([0.2, -1.5, 0.9, 2.0]);
  return cem(new QuadraticScorer(1, Float32Array.from([1.2])), {
    horizon: 1,
    candidates: 4,
    topK: 2,
    iterations: 1,
    varianceEpsilon,
    seed: 0,
    standardNormal: () => noise,
    path,
  });
}

describe('cem refit', () => {
  it('one iteration refits to the mean and population std of the top K clipped samples', async () => {
    for (const path of PATHS) {
      const result = await refitOnce(path);
      expect(result.action[0]).toBeCloseTo(0.95, 6);
      expect(result.std[0]).toBeCloseTo(0.05, 6); // population std of {1, 0.9}
      expect(result.bestReturn).toBeCloseTo(-(0.2 ** 2), 6);
      expect(result.eliteReturns[0]).toBeCloseTo(-(0.2 ** 2 + 0.3 ** 2) / 2, 6);
    }
  });

  it("varianceEpsilon is added to the elites' variance before the square root", async () => {
    // The elites above, {1, 0.9}, have variance 0.0025; + 0.0075 gives std 0.1.
    for (const path of PATHS) {
      const result = await refitOnce(path, 0.0075);
      expect(result.action[0]).toBeCloseTo(0.95, 6);
      expect(result.std[0]).toBeCloseTo(0.1, 6);
    }
  });

  it('both paths give the same plan from the same noise', async () => {
    const standardNormal = sharedNoise(11);
    const options = {
      horizon: H,
      candidates: 200,
      topK: 20,
      iterations: 6,
      seed: 0,
      standardNormal,
    };
    const scorer = new QuadraticScorer(A, outside);
    const onTensor = await cem(scorer, { ...options, path: 'tensor' });
    const onArray = await cem(scorer, { ...options, path: 'array' });
    // Same samples and the same elites: only float32-vs-float64 rounding of the refit differs.
    expect(maxAbsDiff(onTensor.mean, onArray.mean)).toBeLessThan(1e-5);
    expect(maxAbsDiff(onTensor.std, onArray.std)).toBeLessThan(1e-5);
    expect(maxAbsDiff(onTensor.eliteReturns, onArray.eliteReturns)).toBeLessThan(1e-4);
    expect(onTensor.bestReturn).toBeCloseTo(onArray.bestReturn, 4);
  });
});

describe('cem determinism and memory', () => {
  for (const path of PATHS) {
    it(`${path} path: a seed fixes the plan; an advancing rng changes it`, async () => {
      const scorer = new QuadraticScorer(A, inside);
      const options = { horizon: H, candidates: 64, topK: 8, iterations: 3, path };
      const a = await cem(scorer, { ...options, seed: 5 });
      const b = await cem(scorer, { ...options, seed: 5 });
      const c = await cem(scorer, { ...options, seed: 6 });
      expect(Array.from(a.mean)).toEqual(Array.from(b.mean));
      expect(Array.from(a.mean)).not.toEqual(Array.from(c.mean));
      const rng = new Rng(5);
      const first = await cem(scorer, { ...options, rng });
      const second = await cem(scorer, { ...options, rng });
      expect(Array.from(first.mean)).not.toEqual(Array.from(second.mean));
      // A resumed stream replays the same plans.
      const replay = new Rng(5);
      expect(Array.from((await cem(scorer, { ...options, rng: replay })).mean)).toEqual(
        Array.from(first.mean),
      );
    });
  }

  it('tensor path leaves no tensors behind', async () => {
    const scorer = new QuadraticScorer(A, inside);
    const options = { horizon: H, candidates: 128, topK: 16, iterations: 4, seed: 9 };
    await cem(scorer, options);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 3; step++) {
      await cem(scorer, { ...options, seed: step });
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('cem option errors', () => {
  const scorer = new QuadraticScorer(A, inside);
  const base = { horizon: H, candidates: 10, topK: 2, iterations: 2, seed: 0 };
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['topK > candidates', { topK: 20 }, /cem: topK = 20 is invalid; allowed: an integer in 1..10/],
    [
      'non-integer horizon',
      { horizon: 2.5 },
      /cem: horizon = 2.5 is invalid; allowed: an integer >= 1/,
    ],
    [
      'zero candidates',
      { candidates: 0 },
      /cem: candidates = 0 is invalid; allowed: an integer >= 1/,
    ],
    [
      'non-integer iterations',
      { iterations: 1.5 },
      /cem: iterations = 1.5 is invalid; allowed: an integer >= 1/,
    ],
    ['topK 0', { topK: 0 }, /cem: topK = 0 is invalid; allowed: an integer in 1..10/],
    [
      'negative varianceEpsilon',
      { varianceEpsilon: -1 },
      /cem: varianceEpsilon = -1 is invalid; allowed: a finite number >= 0/,
    ],
    ['reversed bounds', { actionMin: 1, actionMax: -1 }, /actionMin < actionMax, got \[1, -1\]/],
    ['no seed nor rng', { seed: undefined }, /exactly one of rng .* or seed/],
    ['both seed and rng', { rng: new Rng(1) }, /exactly one of rng .* or seed/],
    ['bad path', { path: 'gpu' }, /path must be 'auto', 'tensor' or 'array', got 'gpu'/],
    [
      'short noise',
      { standardNormal: () => new Float32Array(3) },
      /must return a Float32Array of 100 numbers, got 3/,
    ],
  ];
  for (const [name, override, message] of cases) {
    it(name, async () => {
      await expect(cem(scorer, { ...base, ...override } as never)).rejects.toThrow(message);
    });
  }

  it('scorers returning the wrong shape or NaN', async () => {
    const short = { actionDim: A, score: () => new Float32Array(3) };
    await expect(cem(short, base)).rejects.toThrow(/score must return 10 returns/);
    const nan = {
      actionDim: A,
      score: (_: Float32Array, j: number) => new Float32Array(j).fill(Number.NaN),
    };
    await expect(cem(nan, base)).rejects.toThrow(/score returned NaN for candidate 0/);
    const wrongTensor = {
      actionDim: A,
      scoreTensor: () => tf.zeros([10, 2]) as unknown as tf.Tensor1D,
    };
    await expect(cem(wrongTensor, base)).rejects.toThrow(
      /scoreTensor must return a \[J=10\] tensor/,
    );
    const arrayOnly = { actionDim: A, score: (_: Float32Array, j: number) => new Float32Array(j) };
    await expect(cem(arrayOnly, { ...base, path: 'tensor' })).rejects.toThrow(
      /needs a scorer with scoreTensor/,
    );
    await expect(cem({ actionDim: 0, score: arrayOnly.score }, base)).rejects.toThrow(
      /cem: scorer.actionDim = 0 is invalid; allowed: an integer >= 1/,
    );
    await expect(cem({} as never, base)).rejects.toThrow(/score\(actions, J, H\) or scoreTensor/);
  });
});
