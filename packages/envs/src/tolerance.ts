/**
 * dm_control-style soft indicator: 1 inside `bounds`, falling off with distance outside them
 * along a chosen sigmoid that equals `valueAtMargin` at distance `margin`.
 */

/** Sigmoid shapes supported by `tolerance`. */
export type Sigmoid =
  | 'gaussian'
  | 'hyperbolic'
  | 'long_tail'
  | 'reciprocal'
  | 'cosine'
  | 'linear'
  | 'quadratic'
  | 'tanh_squared';

const SIGMOIDS: readonly Sigmoid[] = [
  'gaussian',
  'hyperbolic',
  'long_tail',
  'reciprocal',
  'cosine',
  'linear',
  'quadratic',
  'tanh_squared',
];

/**
 * Value of a unit sigmoid at `x` (distance in margins), equal to 1 at 0 and `valueAt1` at 1.
 */
export function sigmoid(x: number, valueAt1: number, kind: Sigmoid): number {
  const allowsZero = kind === 'cosine' || kind === 'linear' || kind === 'quadratic';
  if (allowsZero ? !(valueAt1 >= 0 && valueAt1 < 1) : !(valueAt1 > 0 && valueAt1 < 1)) {
    throw new Error(
      `valueAtMargin for '${kind}' must be in ${allowsZero ? '[0, 1)' : '(0, 1)'}, got ${valueAt1}`,
    );
  }
  switch (kind) {
    case 'gaussian': {
      const scale = Math.sqrt(-2 * Math.log(valueAt1));
      return Math.exp(-0.5 * (x * scale) ** 2);
    }
    case 'hyperbolic': {
      const scale = Math.acosh(1 / valueAt1);
      return 1 / Math.cosh(x * scale);
    }
    case 'long_tail': {
      const scale = Math.sqrt(1 / valueAt1 - 1);
      return 1 / ((x * scale) ** 2 + 1);
    }
    case 'reciprocal': {
      const scale = 1 / valueAt1 - 1;
      return 1 / (Math.abs(x) * scale + 1);
    }
    case 'cosine': {
      const s = (x * Math.acos(2 * valueAt1 - 1)) / Math.PI;
      return Math.abs(s) < 1 ? (1 + Math.cos(Math.PI * s)) / 2 : 0;
    }
    case 'linear': {
      const s = x * (1 - valueAt1);
      return Math.abs(s) < 1 ? 1 - s : 0;
    }
    case 'quadratic': {
      const s = x * Math.sqrt(1 - valueAt1);
      return Math.abs(s) < 1 ? 1 - s * s : 0;
    }
    case 'tanh_squared': {
      const scale = Math.atanh(Math.sqrt(1 - valueAt1));
      return 1 - Math.tanh(x * scale) ** 2;
    }
    default:
      throw new Error(`unknown sigmoid '${kind}'; allowed: ${SIGMOIDS.join(', ')}`);
  }
}

/** Options of `tolerance`. */
export interface ToleranceOptions {
  /** Inclusive [lower, upper] target interval (may be infinite). Default [0, 0]. */
  bounds?: [number, number];
  /** Distance outside the bounds at which the value is `valueAtMargin`. 0 = hard indicator. */
  margin?: number;
  /** Shape of the fall-off. Default 'gaussian'. */
  sigmoid?: Sigmoid;
  /** Value at distance `margin` from the bounds. Default 0.1. */
  valueAtMargin?: number;
}

/** Returns 1 when `x` is inside the bounds, and a sigmoid fall-off in (0, 1] outside them. */
export function tolerance(x: number, opts: ToleranceOptions = {}): number {
  const [lower, upper] = opts.bounds ?? [0, 0];
  const margin = opts.margin ?? 0;
  const kind = opts.sigmoid ?? 'gaussian';
  const valueAtMargin = opts.valueAtMargin ?? 0.1;
  if (lower > upper)
    throw new Error(`tolerance bounds must have lower <= upper, got [${lower}, ${upper}]`);
  if (margin < 0) throw new Error(`tolerance margin must be >= 0, got ${margin}`);
  if (!SIGMOIDS.includes(kind)) {
    throw new Error(`unknown sigmoid '${kind}'; allowed: ${SIGMOIDS.join(', ')}`);
  }
  const inBounds = lower <= x && x <= upper;
  if (inBounds) return 1;
  if (margin === 0) return 0;
  const d = (x < lower ? lower - x : x - upper) / margin;
  return sigmoid(d, valueAtMargin, kind);
}
