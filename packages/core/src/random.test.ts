import { describe, expect, it } from 'vitest';
import { Rng, splitSeed } from './random.js';

function draw(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

describe('Rng', () => {
  it('implements xoshiro128** (first outputs from state [1,2,3,4] derived by hand)', () => {
    const rng = new Rng(0);
    rng.setState({ key: 0, words: [1, 2, 3, 4] });
    // out1 = rotl(2*5, 7)*9 = 11520; after the update s1 = 0 so out2 = 0;
    // then s1 = 1029: out3 = rotl(5145, 7)*9 = 5927040.
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0, 5927040]);
  });

  it('gives the same numbers for the same seed and different ones for another seed', () => {
    expect(draw(new Rng(42), 50)).toEqual(draw(new Rng(42), 50));
    expect(draw(new Rng(42), 50)).not.toEqual(draw(new Rng(43), 50));
  });

  it('splits per name deterministically, independently of what the parent drew', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    draw(b, 13); // the parent's position must not matter
    expect(draw(a.split('env'), 20)).toEqual(draw(b.split('env'), 20));
    expect(draw(a.split('env'), 20)).not.toEqual(draw(a.split('replay'), 20));
    expect(draw(a.split('env'), 20)).not.toEqual(draw(new Rng(7), 20));
    expect(draw(new Rng(splitSeed(7, 'env')), 5)).toEqual(draw(new Rng(7).split('env'), 5));
    expect(splitSeed(7, 'env')).not.toBe(splitSeed(8, 'env'));
    expect(new Rng(1).split('a').split('b').next()).not.toBe(
      new Rng(1).split('b').split('a').next(),
    );
  });

  it('resumes exactly from a JSON round trip of its state', () => {
    const rng = new Rng(99);
    draw(rng, 17);
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const expected = [...draw(rng, 10), rng.normal(), rng.int(7)];
    const resumed = new Rng(1);
    resumed.setState(saved);
    expect([...draw(resumed, 10), resumed.normal(), resumed.int(7)]).toEqual(expected);
    expect(draw(resumed.split('x'), 3)).toEqual(draw(new Rng(99).split('x'), 3));
  });

  it('draws uniform, integer and normal numbers with the right ranges and moments', () => {
    const rng = new Rng(5);
    const n = 20000;
    const u = Array.from({ length: n }, () => rng.uniform(-2, 3));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(mean(u)).toBeCloseTo(0.5, 1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 6000; i++) counts[rng.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150); // ~5 sigma
    const z = Array.from({ length: n }, () => rng.normal(1, 2));
    expect(mean(z)).toBeCloseTo(1, 1);
    expect(Math.sqrt(mean(z.map((x) => (x - mean(z)) ** 2)))).toBeCloseTo(2, 1);
    const seed = rng.seed32();
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
  });

  it('rejects bad seeds and states with clear errors', () => {
    expect(() => new Rng(-1)).toThrow(/Rng seed must be an integer in \[0, 2\^32\)/);
    expect(() => new Rng(1.5)).toThrow(/got 1.5/);
    expect(() => new Rng(1).int(0)).toThrow(/integer n/);
    expect(() => new Rng(1).setState({ key: 1, words: [1, 2] } as never)).toThrow(/4 uint32/);
  });
});

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
