import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareRuns, randomEpisodeReturns, readEvalCurve } from './compare-runs.js';
import { summaryMarkdown } from './compare-table.js';

const root = mkdtempSync(join(tmpdir(), 'vmbrl-compare-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run directory with `config.json` (if a seed is given) and `metrics.jsonl` from rows. */
function run(name: string, rows: object[] | string, seed?: number): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  if (seed !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify({ seed }));
  const text =
    typeof rows === 'string' ? rows : rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  writeFileSync(join(dir, 'metrics.jsonl'), text);
  return dir;
}

const evalRow = (step: number, ret: number) => ({
  step,
  kind: 'eval',
  episode: step / 1000,
  return: ret,
  episodes: 1,
});
const episodeRow = (step: number, ret: number) => ({
  step,
  kind: 'episode',
  episode: 1,
  return: ret,
  random: false,
});

// Three seeds of different lengths: c stops after its evaluation at 2000.
const a = run(
  'a',
  [
    episodeRow(500, 3),
    evalRow(1000, 10),
    evalRow(2000, 24),
    evalRow(3000, 30),
    episodeRow(3050, 99),
  ],
  0,
);
const b = run(
  'b',
  [
    evalRow(1000, 12),
    evalRow(2000, 42),
    { step: 3000, kind: 'train', loss: 1.5, updatesPerSecond: 2 },
    evalRow(3000, 36),
  ],
  1,
);
const c = run(
  'c',
  [
    evalRow(1000, 8),
    evalRow(2000, 24),
    { step: 2400, kind: 'train', loss: 2, updatesPerSecond: 3 },
    episodeRow(2500, 50),
  ],
  2,
);
// ALM-style eval rows (no episode field), no config.json.
const random = run('random-s0', [
  { step: 1001, kind: 'eval', return: 5, episodes: 2 },
  { step: 2001, kind: 'eval', return: 7, episodes: 2 },
]);

describe('readEvalCurve', () => {
  it('reads eval returns by env step; other rows only extend the steps reached', () => {
    expect(readEvalCurve(a)).toEqual({ x: [1000, 2000, 3000], y: [10, 24, 30], envSteps: 3050 });
    expect(readEvalCurve(random)).toEqual({ x: [1001, 2001], y: [5, 7], envSteps: 2001 });
  });

  it('sorts by step, keeps the last value of a repeated step and ignores a partial last line', () => {
    const dir = run(
      'unsorted',
      `${JSON.stringify(evalRow(2000, 5))}\n\n${JSON.stringify(evalRow(1000, 1))}\n${JSON.stringify(evalRow(2000, 6))}\n{"step":3000,"ki`,
    );
    expect(readEvalCurve(dir)).toEqual({ x: [1000, 2000], y: [1, 6], envSteps: 2000 });
  });

  it('a missing, empty or eval-less file is an error naming the file', () => {
    const missing = join(root, 'nowhere');
    expect(() => readEvalCurve(missing)).toThrow(
      `${join(missing, 'metrics.jsonl')}: does not exist (no directory ${missing})`,
    );
    const empty = run('empty', '');
    expect(() => readEvalCurve(empty)).toThrow(`${join(empty, 'metrics.jsonl')}: is empty`);
    const noEval = run('no-eval', [episodeRow(10, 1), episodeRow(20, 2)]);
    expect(() => readEvalCurve(noEval)).toThrow(
      `${join(noEval, 'metrics.jsonl')}: has 2 row(s) but none of kind 'eval'`,
    );
  });

  it('a malformed line or a non-numeric return is an error naming the file and line', () => {
    const broken = run(
      'broken',
      `${JSON.stringify(evalRow(1000, 1))}\n\n{"step":2000,"kind":"eval",return:3}\n${JSON.stringify(evalRow(3000, 2))}\n`,
    );
    expect(() => readEvalCurve(broken)).toThrow(
      `${join(broken, 'metrics.jsonl')}:3: not valid JSON`,
    );
    const badReturn = run(
      'bad-return',
      `${JSON.stringify(evalRow(1000, 1))}\n\n\n${JSON.stringify({ step: 2000, kind: 'eval', return: 'high' })}\n`,
    );
    expect(() => readEvalCurve(badReturn)).toThrow(
      `${join(badReturn, 'metrics.jsonl')}:4: eval row has return = "high"; a finite number is required`,
    );
  });
});

describe('randomEpisodeReturns', () => {
  it("reads the returns of the 'random: true' episodes only", () => {
    const seeded = run('seeded', [
      { ...episodeRow(100, 4), random: true },
      { ...episodeRow(200, 10), random: true },
      episodeRow(300, 50),
      evalRow(1000, 60),
    ]);
    expect(randomEpisodeReturns(seeded)).toEqual([4, 10]);
    expect(randomEpisodeReturns(a)).toEqual([]);
  });

  it('adds one reference per group at the mean of its random episodes', async () => {
    const r0 = run('rand-0', [{ ...episodeRow(100, 4), random: true }, evalRow(1000, 20)], 0);
    const r1 = run('rand-1', [{ ...episodeRow(100, 11), random: true }, evalRow(1000, 30)], 1);
    const summary = await compareRuns({
      groups: [
        { label: 'Seeded', runDirs: [r0, r1] },
        { label: 'PlaNet', runDirs: [a, b, c] },
      ],
      outBase: join(root, 'out', 'random-reference'),
      randomReference: true,
      png: false,
    });
    // (4 + 11) / 2; the PlaNet runs have no random episodes, so no line for them.
    expect(summary.references).toEqual([
      { label: 'Seeded: random policy (2 episodes)', value: 7.5 },
    ]);
  });
});

describe('compareRuns', () => {
  it('summarises each seed and the mean ± sample std over seeds, and writes SVG and PNG', async () => {
    const outBase = join(root, 'out', 'planet');
    const summary = await compareRuns({
      groups: [
        { label: 'PlaNet', runDirs: [a, b, c] },
        { label: 'Random', runDirs: [random] },
      ],
      references: [{ label: 'random policy', value: 26.6 }],
      title: 'cartpole',
      outBase,
    });
    expect(summary.svgPath).toBe(`${outBase}.svg`);
    expect(summary.pngPath).toBe(`${outBase}.png`);
    const svg = readFileSync(summary.svgPath, 'utf8');
    for (const text of ['PlaNet', 'Random', 'random policy', 'cartpole']) {
      expect(svg).toContain(text);
    }
    // PNG signature
    expect([...readFileSync(`${outBase}.png`).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    const [planet, rand] = summary.groups;
    expect(planet.runs.map((r) => [r.name, r.finalReturn, r.finalStep, r.envSteps])).toEqual([
      ['seed 0', 30, 3000, 3050],
      ['seed 1', 36, 3000, 3000],
      ['seed 2', 24, 2000, 2500],
    ]);
    expect(planet.runs.map((r) => [r.bestReturn, r.bestStep, r.evaluations])).toEqual([
      [30, 3000, 3],
      [42, 2000, 3],
      [24, 2000, 2],
    ]);
    // by hand: finals 30, 36, 24 -> mean 30, deviations 0, 6, -6 -> std sqrt(72 / 2) = 6
    expect(planet.final.mean).toBeCloseTo(30, 12);
    expect(planet.final.std).toBeCloseTo(6, 12);
    expect(planet.final.n).toBe(3);
    // IQM of 3 seeds is their mean; each end of its bootstrap interval is an atom of
    // probability 1/27 > 2.5% (all three resampled values the lowest, or the highest).
    expect(planet.finalIqm).toEqual({ value: 30, lo: 24, hi: 36, n: 3 });
    // bests 30, 42, 24 -> mean 32, deviations -2, 10, -8 -> std sqrt(168 / 2) = sqrt(84)
    expect(planet.best.mean).toBeCloseTo(32, 12);
    expect(planet.best.std).toBeCloseTo(Math.sqrt(84), 12);
    expect(planet.envSteps).toEqual({ min: 2500, max: 3050 });
    // The common range ends where seed 2 does: at 1000 returns 10, 12, 8 (mean 10, std 2);
    // at 2000 returns 24, 42, 24 (mean 30, deviations -6, 12, -6 -> std sqrt(216 / 2)).
    expect(planet.curve.x).toEqual([1000, 2000]);
    expect(planet.curve.n).toEqual([3, 3]);
    expect(planet.curve.mean[0]).toBeCloseTo(10, 12);
    expect(planet.curve.mean[1]).toBeCloseTo(30, 12);
    expect(planet.curve.std[0]).toBeCloseTo(2, 12);
    expect(planet.curve.std[1]).toBeCloseTo(Math.sqrt(108), 12);
    // One seed without config.json: named by its folder, std 0.
    expect(rand.runs[0].name).toBe('random-s0');
    expect(rand.final).toEqual({ mean: 7, std: 0, n: 1 });
  });

  it("range 'all' keeps every step, averaging the seeds that reached it", async () => {
    const summary = await compareRuns({
      groups: [{ label: 'PlaNet', runDirs: [a, b, c] }],
      outBase: join(root, 'out', 'all'),
      range: 'all',
      png: false,
    });
    const { curve } = summary.groups[0];
    expect(summary.pngPath).toBeUndefined();
    expect(curve.x).toEqual([1000, 2000, 3000]);
    expect(curve.n).toEqual([3, 3, 2]);
    // at 3000 only seeds 0 and 1: 30, 36 -> mean 33, std sqrt((9 + 9) / 1)
    expect(curve.mean[2]).toBeCloseTo(33, 12);
    expect(curve.std[2]).toBeCloseTo(Math.sqrt(18), 12);
  });

  it('seeds without shared steps, a repeated run or a repeated seed', async () => {
    const late = run('late', [evalRow(5000, 1), evalRow(6000, 2)], 3);
    await expect(
      compareRuns({ groups: [{ label: 'x', runDirs: [c, late] }], outBase: join(root, 'no') }),
    ).rejects.toThrow(`the seeds of "x" share no evaluation steps`);
    await expect(
      compareRuns({ groups: [{ label: 'x', runDirs: [a, a] }], outBase: join(root, 'no') }),
    ).rejects.toThrow(`group "x" lists ${a} twice`);
    const again = run('a-again', [evalRow(1000, 4)], 0);
    const summary = await compareRuns({
      groups: [{ label: 'x', runDirs: [a, again] }],
      outBase: join(root, 'out', 'dup'),
      png: false,
    });
    expect(summary.groups[0].runs.map((r) => r.name)).toEqual(['a', 'a-again']);
  });
});

describe('summaryMarkdown', () => {
  it('one row per method and reference, per-seed finals with their steps', async () => {
    const summary = await compareRuns({
      groups: [
        { label: 'PlaNet | quick', runDirs: [a, b, c] },
        { label: 'Random', runDirs: [random] },
      ],
      references: [{ label: 'random policy', value: 26.6 }],
      outBase: join(root, 'out', 'table'),
      png: false,
    });
    const lines = summaryMarkdown(summary).split('\n');
    expect(lines[0]).toBe(
      '| method | seeds | env steps | final eval return | final IQM [95% CI] | best eval return | final eval per seed (eval step / steps reached) |',
    );
    expect(lines[2]).toBe(
      '| PlaNet \\| quick | 3 | 2,500–3,050 | 30.0 ± 6.0 | 30.0 [24.0, 36.0] | 32.0 ± 9.2 | seed 0: 30.0 (3,000 / 3,050); seed 1: 36.0 (3,000 / 3,000); seed 2: 24.0 (2,000 / 2,500) |',
    );
    expect(lines[3]).toBe(
      '| Random | 1 | 2,001 | 7.0 | 7.0 | 7.0 | random-s0: 7.0 (2,001 / 2,001) |',
    );
    expect(lines[4]).toBe('| random policy (reference) | | | 26.6 | | | |');
    expect(lines.at(-2)).toContain('PlaNet \\| quick 1,000–2,000; Random 1,001–2,001 env steps');
    expect(summaryMarkdown(summary, { digits: 2 })).toContain('30.00 ± 6.00');
  });
});
