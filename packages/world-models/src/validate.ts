/**
 * Field checks shared by the world-model configs: each throws one message naming the field,
 * the bad value and what is allowed.
 */

export function fail(field: string, value: unknown, allowed: string): never {
  throw new Error(
    `world-models config: ${field} = ${JSON.stringify(value)} is invalid; allowed: ${allowed}`,
  );
}

export function positiveInt(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    fail(field, value, 'an integer >= 1');
  }
}

export function nonNegative(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(field, value, 'a finite number >= 0');
  }
}

export function positive(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(field, value, 'a finite number > 0');
  }
}

/** A non-empty array of integers >= 1 (of exactly `length` entries when given). */
export function positiveIntList(field: string, value: unknown, length?: number): void {
  const what = length === undefined ? 'a non-empty array' : `an array of ${length}`;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    (length !== undefined && value.length !== length)
  ) {
    fail(field, value, `${what} integers >= 1`);
  }
  value.forEach((v, i) => positiveInt(`${field}[${i}]`, v));
}

/** One of the listed strings. */
export function oneOf<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
): void {
  if (!allowed.includes(value as T)) fail(field, value, allowed.join(', '));
}

/** true or false. */
export function boolean(field: string, value: unknown): void {
  if (typeof value !== 'boolean') fail(field, value, 'true or false');
}
