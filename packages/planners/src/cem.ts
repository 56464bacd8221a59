import { type SequenceScorer, checkActionSequences } from '@vmbrl/core';
/**
 * The cross-entropy method as PlaNet plans with it (Hafner et al. 2019, Algorithm 2): a
 * time-dependent diagonal Gaussian over action sequences starts at N(0, I) on every call; each
 * of I iterations samples J sequences, clips them to the action bounds, scores them, and refits
 * mean and std to the best K. The first action of the final mean is returned.
 */
import { tf } from '@vmbrl/tensor';
import {
  type CemRefit,
  type PlannerOptions,
  type ResolvedPlannerOptions,
  checkCemOptions,
  drawStandardNormal,
  resolvePlannerOptions,
} from './options.js';
import type { AnyScorer, TensorSequenceScorer } from './types.js';

/** Options of {@link cem}. */
export interface CemOptions extends PlannerOptions {
  /** Refitting iterations I. */
  iterations: number;
  /** Best candidates K the belief is refit to (K <= J). */
  topK: number;
  /**
   * Added to the elites' variance before the square root, so the std never falls below its
   * square root (PlaNet's reference code: 1e-6). Default 0.
   */
  varianceEpsilon?: number;
}

/** What {@link cem} returns. */
export interface CemResult {
  /** First action of the final belief mean, mu_t: [A]. */
  action: Float32Array;
  /** Final belief mean, row-major [H, A]. */
  mean: Float32Array;
  /** Final belief std, row-major [H, A]. */
  std: Float32Array;
  /** Highest return among the last iteration's candidates. */
  bestReturn: number;
  /** Mean return of the K elites, per iteration: [I]. */
  eliteReturns: Float32Array;
}

/**
 * Plans one action with CEM. Runs on the tensor backend when the scorer has `scoreTensor`
 * (only the result is downloaded, once), otherwise on typed arrays with `score` (which may be
 * async, e.g. simulator workers).
 *
 * Refit: std is the population standard deviation of the elites, as in PlaNet's code and the
 * PyTorch anchor (Algorithm 2 in the paper prints a mean absolute deviation).
 *
 * @throws on a bad option (names it and the allowed values) or a scorer returning wrong shapes.
 */
export async function cem(scorer: AnyScorer, options: CemOptions): Promise<CemResult> {
  const o = resolvePlannerOptions(scorer, options, 'cem');
  const refit = checkCemOptions(options, o.candidates);
  if (o.path === 'tensor') return cemTensor(scorer as TensorSequenceScorer, o, refit);
  return cemArray(scorer as SequenceScorer, o, refit);
}

/** Tensor path: sampling, scoring, top-K and refitting stay on the backend. */
function cemTensor(
  scorer: TensorSequenceScorer,
  o: ResolvedPlannerOptions,
  { iterations, topK, varianceEpsilon }: CemRefit,
): CemResult {
  const { horizon: H, candidates: J, actionDim: A } = o;
  let mean: tf.Tensor2D = tf.zeros([H, A]);
  let std: tf.Tensor2D = tf.ones([H, A]);
  const stats: tf.Tensor1D[] = [];
  try {
    for (let i = 0; i < iterations; i++) {
      const noiseValues = o.standardNormal ? drawStandardNormal(o, i) : undefined;
      const seed = noiseValues ? 0 : o.rng.seed32();
      const [nextMean, nextStd, stat] = tf.tidy(() => {
        const noise = noiseValues
          ? tf.tensor3d(noiseValues, [J, H, A])
          : tf.randomNormal([J, H, A], 0, 1, 'float32', seed);
        // a ~ Normal(mu, sigma^2), clipped to the action bounds (Algorithm 2, line 4).
        const actions = tf.clipByValue(
          tf.add(tf.mul(noise, std), mean),
          o.actionMin,
          o.actionMax,
        ) as tf.Tensor3D;
        const returns = scoreOnBackend(scorer, actions, J);
        // Refit to the top K (Algorithm 2, lines 7-9).
        const top = tf.topk(returns, topK, true);
        const elites = tf.gather(actions, top.indices);
        const moments = tf.moments(elites, 0);
        return [
          moments.mean as tf.Tensor2D,
          tf.sqrt(
            varianceEpsilon > 0 ? tf.add(moments.variance, varianceEpsilon) : moments.variance,
          ) as tf.Tensor2D,
          tf.stack([tf.max(top.values), tf.mean(top.values)]) as tf.Tensor1D,
        ];
      });
      mean.dispose();
      std.dispose();
      mean = nextMean;
      std = nextStd;
      stats.push(stat);
    }
    // One download for everything the caller sees.
    const packed = tf.tidy(() =>
      tf.concat([tf.reshape(mean, [-1]), tf.reshape(std, [-1]), ...stats]),
    );
    const values = packed.dataSync() as Float32Array;
    packed.dispose();
    return unpack(values, H, A, iterations);
  } finally {
    mean.dispose();
    std.dispose();
    for (const s of stats) s.dispose();
  }
}

/** Calls `scoreTensor` and checks it returned [J]. */
export function scoreOnBackend(
  scorer: TensorSequenceScorer,
  actions: tf.Tensor3D,
  candidates: number,
): tf.Tensor1D {
  const returns = scorer.scoreTensor(actions);
  if (!returns || returns.rank !== 1 || returns.shape[0] !== candidates) {
    throw new Error(
      `scoreTensor must return a [J=${candidates}] tensor of returns, got [${returns?.shape}]`,
    );
  }
  return returns;
}

function unpack(values: Float32Array, H: number, A: number, iterations: number): CemResult {
  const n = H * A;
  const mean = values.slice(0, n);
  const std = values.slice(n, 2 * n);
  const eliteReturns = new Float32Array(iterations);
  for (let i = 0; i < iterations; i++) eliteReturns[i] = values[2 * n + 2 * i + 1] as number;
  return {
    action: mean.slice(0, A),
    mean,
    std,
    bestReturn: values[2 * n + 2 * (iterations - 1)] as number,
    eliteReturns,
  };
}

/** Typed-array path, for scorers that live on the JS side (the true simulator). */
async function cemArray(
  scorer: SequenceScorer,
  o: ResolvedPlannerOptions,
  { iterations, topK, varianceEpsilon }: CemRefit,
): Promise<CemResult> {
  const { horizon: H, candidates: J, actionDim: A } = o;
  const n = H * A;
  const mean = new Float32Array(n);
  const std = new Float32Array(n).fill(1);
  const eliteReturns = new Float32Array(iterations);
  let bestReturn = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < iterations; i++) {
    const actions = sampleSequences(drawStandardNormal(o, i), mean, std, o);
    const returns = await scoreOnJs(scorer, actions, J, H);
    const elites = topIndices(returns, topK);
    refit(actions, elites, n, mean, std, varianceEpsilon);
    let sum = 0;
    for (const j of elites) sum += returns[j] as number;
    eliteReturns[i] = sum / topK;
    bestReturn = returns[elites[0] as number] as number;
  }
  return { action: mean.slice(0, A), mean, std, bestReturn, eliteReturns };
}

/**
 * a = clip(mu + sigma * noise) per element, in float32 arithmetic (each product and sum rounded
 * as a float32 kernel would), so both paths produce identical samples from identical noise.
 */
export function sampleSequences(
  noise: Float32Array,
  mean: Float32Array,
  std: Float32Array,
  o: ResolvedPlannerOptions,
): Float32Array {
  const n = mean.length;
  const actions = new Float32Array(noise.length);
  for (let i = 0; i < noise.length; i++) {
    const k = i % n;
    const v = Math.fround(
      Math.fround((noise[i] as number) * (std[k] as number)) + (mean[k] as number),
    );
    actions[i] = v < o.actionMin ? o.actionMin : v > o.actionMax ? o.actionMax : v;
  }
  return actions;
}

/** Awaits `score` and checks it returned J finite-or-infinite numbers (no NaN). */
export async function scoreOnJs(
  scorer: SequenceScorer,
  actions: Float32Array,
  candidates: number,
  horizon: number,
): Promise<Float32Array> {
  checkActionSequences(actions, candidates, horizon, scorer.actionDim, 'cem');
  const returns = await scorer.score(actions, candidates, horizon);
  if (!returns || returns.length !== candidates) {
    throw new Error(
      `score must return ${candidates} returns (one per candidate), got ${returns?.length}`,
    );
  }
  for (let j = 0; j < candidates; j++) {
    if (Number.isNaN(returns[j])) throw new Error(`score returned NaN for candidate ${j}`);
  }
  return returns instanceof Float32Array ? returns : Float32Array.from(returns);
}

/** Indices of the K largest returns, best first (ties: lower index first). */
export function topIndices(returns: Float32Array, k: number): number[] {
  const order = Array.from(returns.keys());
  order.sort((a, b) => (returns[b] as number) - (returns[a] as number) || a - b);
  return order.slice(0, k);
}

/** mean/std <- mean and population std of the elite sequences, per (t, a). */
function refit(
  actions: Float32Array,
  elites: number[],
  n: number,
  mean: Float32Array,
  std: Float32Array,
  varianceEpsilon: number,
): void {
  const K = elites.length;
  for (let k = 0; k < n; k++) {
    let sum = 0;
    for (const j of elites) sum += actions[j * n + k] as number;
    const mu = sum / K;
    let squares = 0;
    for (const j of elites) {
      const d = (actions[j * n + k] as number) - mu;
      squares += d * d;
    }
    mean[k] = mu;
    std[k] = Math.sqrt(squares / K + varianceEpsilon);
  }
}
