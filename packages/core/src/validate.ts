/**
 * Argument and config validation with one error type: every check names where the value was
 * given, the field, the value, and what is allowed, e.g.
 * `online config: batchSize = 2.5 is invalid; allowed: an integer >= 1`.
 */

/** A value that breaks a documented rule (a usage problem: command lines exit with code 2). */
export class ValidationError extends Error {
  override name = 'ValidationError';

  constructor(
    /** Where the value was given, e.g. 'online config' or 'cem' ('' when obvious). */
    readonly where: string,
    /** The field, as a dotted path for nested configs. */
    readonly field: string,
    readonly value: unknown,
    /** What is allowed, in words. */
    readonly allowed: string,
  ) {
    super(`${where ? `${where}: ` : ''}${field} = ${show(value)} is invalid; allowed: ${allowed}`);
  }
}

function show(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? String(value);
}

/** A numeric range: bounds are inclusive unless marked open. */
export interface NumberRange {
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
}

function describeRange(kind: 'an integer' | 'a number', range: NumberRange): string {
  const { min, max, minOpen, maxOpen } = range;
  if (min !== undefined && max !== undefined) {
    if (kind === 'an integer') return `an integer in ${min}..${max}`;
    return `a number in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`;
  }
  const finite = kind === 'a number' ? 'a finite number' : kind;
  if (min !== undefined) return `${finite} ${minOpen ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${finite} ${maxOpen ? '<' : '<='} ${max}`;
  return finite;
}

function inRange(value: number, range: NumberRange): boolean {
  const { min, max, minOpen, maxOpen } = range;
  if (min !== undefined && (minOpen ? !(value > min) : !(value >= min))) return false;
  if (max !== undefined && (maxOpen ? !(value < max) : !(value <= max))) return false;
  return true;
}

/** The checks, bound to one place name so every message says where the value came from. */
export interface Validator {
  /** Throws a {@link ValidationError} for `field`. */
  fail(field: string, value: unknown, allowed: string): never;
  /** An integer in [min, max] (max optional). */
  integer(field: string, value: unknown, min: number, max?: number): number;
  /** `null`, or an integer as {@link Validator.integer}. */
  integerOrNull(field: string, value: unknown, min: number): number | null;
  /** A finite number in `range`. */
  number(field: string, value: unknown, range?: NumberRange): number;
  /** One of `choices`. */
  oneOf<T>(field: string, value: unknown, choices: readonly T[]): T;
  /** A non-empty list of integers >= `min` (layer sizes). */
  integerList(field: string, value: unknown, min?: number): number[];
  /** true or false. */
  boolean(field: string, value: unknown): boolean;
  /** A list (or typed array) of finite numbers with at least `minLength` entries. */
  finiteList(field: string, value: unknown, minLength?: number): readonly number[];
}

/** The checks of {@link Validator} for values given at `where`. */
export function validator(where: string): Validator {
  const fail = (field: string, value: unknown, allowed: string): never => {
    throw new ValidationError(where, field, value, allowed);
  };
  const integer = (field: string, value: unknown, min: number, max?: number): number => {
    const range = { min, max };
    if (typeof value !== 'number' || !Number.isInteger(value) || !inRange(value, range)) {
      fail(field, value, describeRange('an integer', range));
    }
    return value as number;
  };
  return {
    fail,
    integer,
    integerOrNull: (field, value, min) => (value === null ? null : integer(field, value, min)),
    number(field, value, range = {}) {
      if (typeof value !== 'number' || !Number.isFinite(value) || !inRange(value, range)) {
        fail(field, value, describeRange('a number', range));
      }
      return value as number;
    },
    oneOf<T>(field: string, value: unknown, choices: readonly T[]): T {
      if (!choices.includes(value as T)) fail(field, value, choices.join(', '));
      return value as T;
    },
    integerList(field, value, min = 1) {
      const ok =
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= min);
      if (!ok) fail(field, value, `a non-empty list of integers >= ${min}`);
      return value as number[];
    },
    boolean(field, value) {
      if (typeof value !== 'boolean') fail(field, value, 'true or false');
      return value as boolean;
    },
    finiteList(field, value, minLength = 1) {
      if (!Array.isArray(value) && !ArrayBuffer.isView(value)) {
        fail(field, typeof value, 'a list of finite numbers');
      }
      const list = value as ArrayLike<unknown>;
      if (list.length < minLength)
        fail(`${field}.length`, list.length, `an integer >= ${minLength}`);
      for (let i = 0; i < list.length; i++) {
        const v = list[i];
        if (typeof v !== 'number' || !Number.isFinite(v))
          fail(`${field}[${i}]`, v, 'a finite number');
      }
      return value as readonly number[];
    },
  };
}
