import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, cellDir, cellId, isCellId, makeCell } from './cell.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    const a = { b: 1, a: { y: [3, { q: 1, p: 2 }], x: 's' } };
    const b = { a: { x: 's', y: [3, { p: 2, q: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"x":"s","y":[3,{"p":2,"q":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('drops undefined object values as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('refuses what JSON cannot carry faithfully, naming the path', () => {
    expect(() => canonicalJson({ lr: Number.NaN })).toThrow('$.lr is NaN');
    expect(() => canonicalJson({ x: [1, Number.POSITIVE_INFINITY] })).toThrow('$.x[1] is Infinity');
    expect(() => canonicalJson({ when: new Date(0) })).toThrow('$.when is a Date');
    expect(() => canonicalJson({ w: new Float32Array(2) })).toThrow('$.w is a Float32Array');
    expect(() => canonicalJson({ f: () => 1 })).toThrow('$.f is a function');
    expect(() => canonicalJson([undefined])).toThrow('$[0] is a undefined');
  });
});

describe('cellId', () => {
  it('is c + the first 16 hex digits of sha256 of the canonical JSON (checked with sha256sum)', () => {
    const config = { task: 'cartpole-swingup', seed: 3, model: { units: [200, 200] } };
    const text = '{"model":{"units":[200,200]},"seed":3,"task":"cartpole-swingup"}';
    const digest = execFileSync('sha256sum', { input: text, encoding: 'utf8' }).split(' ')[0];
    expect(cellId(config)).toBe(`c${digest.slice(0, 16)}`);
    expect(isCellId(cellId(config))).toBe(true);
  });

  it('does not depend on key order', () => {
    expect(cellId({ seed: 1, task: 't', opts: { a: 1, b: 2 } })).toBe(
      cellId({ opts: { b: 2, a: 1 }, task: 't', seed: 1 }),
    );
  });

  it('changes with any change of the config', () => {
    const base = { seed: 1, task: 't', lr: 0.001, units: [200, 200] };
    const ids = new Set([
      cellId(base),
      cellId({ ...base, seed: 2 }),
      cellId({ ...base, seed: '1' }),
      cellId({ ...base, lr: 0.0010000000000000002 }),
      cellId({ ...base, units: [200, 201] }),
      cellId({ ...base, units: [200] }),
      cellId({ ...base, extra: null }),
      cellId({ ...base, task: 'T' }),
    ]);
    expect(ids.size).toBe(8);
  });
});

describe('makeCell and cellDir', () => {
  it('carries the config and cost; the run directory is <runsDir>/<id>', () => {
    const cell = makeCell({ seed: 0 }, { cost: 5 });
    expect(cell).toEqual({ id: cellId({ seed: 0 }), config: { seed: 0 }, cost: 5 });
    expect(cellDir('/runs', cell)).toBe(join('/runs', cell.id));
    expect(makeCell({ seed: 0 }).cost).toBe(1);
  });

  it('refuses a bad cost and a bad id', () => {
    expect(() => makeCell({}, { cost: -1 })).toThrow('cost must be a finite number >= 0, got -1');
    expect(() => cellDir('/runs', { id: '../etc' })).toThrow('"../etc" is not a cell id');
  });
});
