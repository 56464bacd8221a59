import { describe, expect, it } from 'vitest';
import { ValidationError, type Validator, validator } from './validate.js';

const check: Validator = validator('test config');

/** The error a call throws (fails the test when it does not throw). */
function errorOf(call: () => unknown): ValidationError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('validator', () => {
  it('returns valid values unchanged', () => {
    expect(check.integer('n', 3, 1)).toBe(3);
    expect(check.integerOrNull('n', null, 1)).toBeNull();
    expect(check.number('lr', 1e-3, { min: 0, minOpen: true })).toBe(1e-3);
    expect(check.oneOf('kind', 'b', ['a', 'b'])).toBe('b');
    expect(check.integerList('hidden', [16, 16])).toEqual([16, 16]);
    expect(check.boolean('flag', false)).toBe(false);
    expect(check.finiteList('xs', new Float32Array([1, 2]))).toHaveLength(2);
  });

  it('one message names the place, the field, the value and what is allowed', () => {
    const e = errorOf(() => check.integer('batchSize', 2.5, 1));
    expect(e.message).toBe('test config: batchSize = 2.5 is invalid; allowed: an integer >= 1');
    expect([e.where, e.field, e.value, e.allowed]).toEqual([
      'test config',
      'batchSize',
      2.5,
      'an integer >= 1',
    ]);
    const cases: [() => unknown, string][] = [
      [() => check.integer('bits', 9, 1, 8), 'bits = 9 is invalid; allowed: an integer in 1..8'],
      [() => check.integerOrNull('steps', 0, 1), 'steps = 0 is invalid; allowed: an integer >= 1'],
      [
        () => check.number('gamma', 1.5, { min: 0, max: 1 }),
        'gamma = 1.5 is invalid; allowed: a number in [0, 1]',
      ],
      [
        () => check.number('tau', 0, { min: 0, max: 1, minOpen: true }),
        'tau = 0 is invalid; allowed: a number in (0, 1]',
      ],
      [
        () => check.number('lr', Number.NaN, { min: 0, minOpen: true }),
        'lr = NaN is invalid; allowed: a finite number > 0',
      ],
      [
        () => check.number('scale', -1, { min: 0 }),
        'scale = -1 is invalid; allowed: a finite number >= 0',
      ],
      [() => check.oneOf('kind', 'c', ['a', 'b']), 'kind = "c" is invalid; allowed: a, b'],
      [
        () => check.integerList('hidden', [16, 0]),
        'hidden = [16,0] is invalid; allowed: a non-empty list of integers >= 1',
      ],
      [() => check.boolean('flag', 'yes'), 'flag = "yes" is invalid; allowed: true or false'],
      [() => check.finiteList('xs', [1, Number.POSITIVE_INFINITY]), 'xs[1] = Infinity is invalid'],
      [() => check.finiteList('xs', [], 2), 'xs.length = 0 is invalid; allowed: an integer >= 2'],
      [
        () => check.fail('model', undefined, 'a config'),
        'model = undefined is invalid; allowed: a config',
      ],
    ];
    for (const [call, message] of cases) expect(errorOf(call).message).toContain(message);
    expect(errorOf(() => validator('').integer('n', -1, 0)).message).toBe(
      'n = -1 is invalid; allowed: an integer >= 0',
    );
  });
});
