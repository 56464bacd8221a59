import { Rng, type Validator, validator } from '@vmbrl/core';
import { type AnyScorer, isSequenceScorer, isTensorScorer } from './types.js';

/** Options shared by every planner. */
export interface PlannerOptions {
  /** Planning horizon H (actions per candidate sequence). */
  horizon: number;
  /** Candidate sequences J sampled per iteration. */
  candidates: number;
  /** Lower action bound; samples are clipped to it. Default -1. */
  actionMin?: number;
  /** Upper action bound. Default 1. */
  actionMax?: number;
  /**
   * Random stream to draw from; it advances, so successive calls plan with fresh noise. Pass
   * this or `seed`.
   */
  rng?: Rng;
  /** Seed of a fresh stream for this call only (the same seed gives the same plan). */
  seed?: number;
  /**
   * Replaces the standard-normal noise of draw `draw` (the CEM iteration, 0 for random
   * shooting) with `size` = J*H*A given numbers, e.g. common random numbers shared by two
   * planners. Optional.
   */
  standardNormal?: (draw: number, size: number) => Float32Array;
  /**
   * Which implementation to run: `tensor` needs `scoreTensor`, `array` needs `score`, `auto`
   * (default) prefers `tensor`.
   */
  path?: 'auto' | 'tensor' | 'array';
}

/** Options validated and completed with defaults. */
export interface ResolvedPlannerOptions {
  horizon: number;
  candidates: number;
  actionMin: number;
  actionMax: number;
  actionDim: number;
  rng: Rng;
  standardNormal?: (draw: number, size: number) => Float32Array;
  path: 'tensor' | 'array';
}

/** Validates the shared options against the scorer; throws one message naming the bad value. */
export function resolvePlannerOptions(
  scorer: AnyScorer,
  options: PlannerOptions,
  where: string,
): ResolvedPlannerOptions {
  if (!scorer || (!isTensorScorer(scorer) && !isSequenceScorer(scorer))) {
    throw new Error(`${where}: the scorer must have score(actions, J, H) or scoreTensor(actions)`);
  }
  const check: Validator = validator(where);
  const actionDim = check.integer('scorer.actionDim', scorer.actionDim, 1);
  const horizon = check.integer('horizon', options.horizon, 1);
  const candidates = check.integer('candidates', options.candidates, 1);
  const actionMin = options.actionMin ?? -1;
  const actionMax = options.actionMax ?? 1;
  if (!Number.isFinite(actionMin) || !Number.isFinite(actionMax) || !(actionMin < actionMax)) {
    throw new Error(
      `${where}: action bounds must be finite numbers with actionMin < actionMax, got [${actionMin}, ${actionMax}]`,
    );
  }
  if ((options.rng === undefined) === (options.seed === undefined)) {
    throw new Error(
      `${where}: pass exactly one of rng (an Rng that advances across calls) or seed (a uint32)`,
    );
  }
  const rng = options.rng ?? new Rng(options.seed as number);
  if (typeof rng?.seed32 !== 'function' || typeof rng.normal !== 'function') {
    throw new Error(`${where}: rng must be an Rng from @vmbrl/tensor`);
  }
  const requested = options.path ?? 'auto';
  let path: 'tensor' | 'array';
  if (requested === 'auto') path = isTensorScorer(scorer) ? 'tensor' : 'array';
  else if (requested === 'tensor' || requested === 'array') path = requested;
  else throw new Error(`${where}: path must be 'auto', 'tensor' or 'array', got '${requested}'`);
  if (path === 'tensor' && !isTensorScorer(scorer)) {
    throw new Error(`${where}: path 'tensor' needs a scorer with scoreTensor(actions)`);
  }
  if (path === 'array' && !isSequenceScorer(scorer)) {
    throw new Error(`${where}: path 'array' needs a scorer with score(actions, J, H)`);
  }
  return {
    horizon,
    candidates,
    actionMin,
    actionMax,
    actionDim,
    rng,
    standardNormal: options.standardNormal,
    path,
  };
}

/** CEM's refitting options, checked. */
export interface CemRefit {
  iterations: number;
  topK: number;
  varianceEpsilon: number;
}

/** Checks CEM's own options against J; one message naming the bad value. */
export function checkCemOptions(
  options: { iterations: unknown; topK: unknown; varianceEpsilon?: unknown },
  candidates: number,
): CemRefit {
  const check: Validator = validator('cem');
  const iterations = check.integer('iterations', options.iterations, 1);
  // The belief is refit to the best K of the J candidates.
  const topK = check.integer('topK', options.topK, 1, candidates);
  const varianceEpsilon = check.number('varianceEpsilon', options.varianceEpsilon ?? 0, {
    min: 0,
  });
  return { iterations, topK, varianceEpsilon };
}

/** The noise of draw `draw`: the override if given (length-checked) or N(0, 1) from the rng. */
export function drawStandardNormal(o: ResolvedPlannerOptions, draw: number): Float32Array {
  const size = o.candidates * o.horizon * o.actionDim;
  if (o.standardNormal) {
    const noise = o.standardNormal(draw, size);
    if (!(noise instanceof Float32Array) || noise.length !== size) {
      throw new Error(
        `standardNormal(${draw}, ${size}) must return a Float32Array of ${size} numbers, got ${
          noise instanceof Float32Array ? noise.length : typeof noise
        }`,
      );
    }
    return noise;
  }
  const noise = new Float32Array(size);
  for (let i = 0; i < size; i++) noise[i] = o.rng.normal();
  return noise;
}
