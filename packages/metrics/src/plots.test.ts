import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RgbImage, readPng } from '@vmbrl/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  learningCurveSpec,
  learningCurveSvg,
  lossCurvesSpec,
  lossCurvesSvg,
  rewardPredictionSpec,
  rewardPredictionSvg,
} from './plots.js';
import { svgToPng, writePlotFiles } from './render.js';

const dir = mkdtempSync(join(tmpdir(), 'vmbrl-plots-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Point = { x: number; mean: number; lo: number; hi: number; n: number; series: string };
function layerData(spec: unknown, layer: number): Point[] {
  return (spec as { layer: { data: { values: Point[] } }[] }).layer[layer].data.values;
}

function decode(png: Uint8Array): RgbImage {
  return readPng(png);
}

/** Pixels within `tolerance` of an RGB colour. */
function countColour(png: RgbImage, rgb: [number, number, number], tolerance = 10): number {
  let count = 0;
  for (let i = 0; i < png.width * png.height; i++) {
    const d =
      Math.abs(png.data[3 * i] - rgb[0]) +
      Math.abs(png.data[3 * i + 1] - rgb[1]) +
      Math.abs(png.data[3 * i + 2] - rgb[2]);
    if (d <= tolerance) count++;
  }
  return count;
}

describe('learning curves', () => {
  const seeds = [
    { x: [0, 1000, 2000], y: [0, 100, 200] },
    { x: [0, 1000, 2000], y: [20, 140, 400] },
  ];

  it('the spec carries mean +- sample std over seeds', () => {
    const spec = learningCurveSpec({ curves: [{ label: 'PlaNet', runs: seeds }] });
    const points = layerData(spec, 0);
    // by hand: means 10, 120, 300; sample std of two values a, b is |a - b| / sqrt(2)
    expect(points.map((p) => p.mean)).toEqual([10, 120, 300]);
    const s = [20, 40, 200].map((d) => d / Math.SQRT2);
    points.forEach((p, i) => {
      expect(p.lo).toBeCloseTo(p.mean - s[i], 10);
      expect(p.hi).toBeCloseTo(p.mean + s[i], 10);
    });
  });

  it('smoothing is applied per run before averaging', () => {
    const spec = learningCurveSpec({
      curves: [{ label: 'a', runs: seeds }],
      smoothing: { kind: 'window', window: 2 },
    });
    // run 1 -> [0, 50, 150], run 2 -> [20, 80, 270]
    expect(layerData(spec, 0).map((p) => p.mean)).toEqual([10, 65, 210]);
  });

  it("runs of different lengths: the common range by default, every step with range 'all'", () => {
    const runs = [seeds[0], { x: [0, 1000], y: [40, 60] }];
    const common = layerData(learningCurveSpec({ curves: [{ label: 'a', runs }] }), 0);
    // by hand: means (0 + 40) / 2 = 20 and (100 + 60) / 2 = 80; step 2000 only run 1 reached
    expect(common.map((p) => [p.x, p.mean, p.n])).toEqual([
      [0, 20, 2],
      [1000, 80, 2],
    ]);
    const all = layerData(learningCurveSpec({ curves: [{ label: 'a', runs }], range: 'all' }), 0);
    expect(all.map((p) => [p.x, p.mean, p.n])).toEqual([
      [0, 20, 2],
      [1000, 80, 2],
      [2000, 200, 1],
    ]);
    expect(() =>
      learningCurveSpec({ curves: [{ label: 'a', runs }], range: 'some' as 'all' }),
    ).toThrow("learning curve range is some; allowed are 'common' and 'all'");
  });

  it('renders to SVG and PNG with the curve, the references and the text', async () => {
    const svg = await learningCurveSvg({
      title: 'cartpole-swingup',
      curves: [{ label: 'PlaNet', runs: seeds }],
      references: [
        { label: 'random policy', value: 50 },
        { label: 'paper', value: 297 },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of [
      'cartpole-swingup',
      'PlaNet',
      'random policy',
      'paper',
      'evaluation return',
    ]) {
      expect(svg).toContain(`>${text}</text>`);
    }
    const { svgPath, pngPath } = writePlotFiles(join(dir, 'learning'), svg, { scale: 1 });
    expect(readFileSync(svgPath, 'utf8')).toBe(svg);
    const png = decode(readFileSync(pngPath as string));
    const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
    expect(png.width).toBe(width);
    expect(countColour(png, [0x4c, 0x78, 0xa8])).toBeGreaterThan(200); // the mean line
    expect(countColour(png, [0x9d, 0x2a, 0x2a])).toBeGreaterThan(100); // 2nd reference rule
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('rejects bad input naming it', () => {
    expect(() => learningCurveSpec({ curves: [] })).toThrow(/curves is empty/);
    expect(() =>
      learningCurveSpec({ curves: [{ label: 'a', runs: [{ x: [0, 1], y: [1] }] }] }),
    ).toThrow(/"a" runs\[0\] has 2 x values but 1 y values/);
    expect(() =>
      learningCurveSpec({
        curves: [{ label: 'a', runs: seeds }],
        references: [{ label: 'a', value: 1 }],
      }),
    ).toThrow(/label "a" is used twice/);
    expect(() => learningCurveSpec({ curves: [{ label: 'a', runs: [] }] })).toThrow(
      /"a": runs is empty/,
    );
  });
});

describe('loss curves', () => {
  const terms = {
    image: { x: [1, 2, 3, 4], y: [100, 50, 25, 12.5] },
    kl: { x: [1, 2, 3, 4], y: [4, 2, 3, 1] },
  };

  it('the spec holds raw and smoothed values per term', () => {
    const spec = lossCurvesSpec({ terms, smoothing: { kind: 'window', window: 2 } }) as unknown as {
      data: { values: { term: string; raw: number; smooth: number }[] };
    };
    const kl = spec.data.values.filter((r) => r.term === 'kl');
    expect(kl.map((r) => r.raw)).toEqual([4, 2, 3, 1]);
    expect(kl.map((r) => r.smooth)).toEqual([4, 3, 2.5, 2]);
  });

  it('thins long series to maxPoints keeping both ends', () => {
    const x = Array.from({ length: 101 }, (_, i) => i);
    const spec = lossCurvesSpec({ terms: { a: { x, y: x.map((v) => v + 1) } }, maxPoints: 11 });
    const rows = (spec as unknown as { data: { values: { x: number }[] } }).data.values;
    expect(rows.map((r) => r.x)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('renders overlay with log scale and panels', async () => {
    const overlay = await lossCurvesSvg({ title: 'losses', terms, logScale: true });
    expect(overlay).toContain('>loss (log scale)</text>');
    // log axis: ticks at powers of ten between 1 and 100
    expect(overlay).toContain('>100</text>');
    const panels = await lossCurvesSvg({ terms, panels: true });
    expect(panels).toContain('>image</text>');
    expect(panels).toContain('>kl</text>');
  });

  it('log scale rejects non-positive values naming the term and point', () => {
    expect(() =>
      lossCurvesSpec({ terms: { kl: { x: [0, 5], y: [1, 0] } }, logScale: true }),
    ).toThrow(/loss term "kl" has y\[1\] = 0 at x = 5; a log scale needs values > 0/);
    expect(() => lossCurvesSpec({ terms: {} })).toThrow(/terms is empty/);
  });
});

describe('rewardPredictionSpec', () => {
  it('one panel per sequence, each step once as truth and once as prediction', async () => {
    const truth = [0, 0.5, 1, 0.25, 0.75, 0];
    const predicted = [0.1, 0.4, 0.9, 0.2, 0.7, 0.1];
    const spec = rewardPredictionSpec({ horizon: 3, truth, predicted }) as unknown as {
      data: { values: { x: number; reward: number; series: string; sequence: number }[] };
      columns: number;
    };
    const rows = spec.data.values;
    expect(rows).toHaveLength(12);
    const pick = (series: string, sequence: number) =>
      rows.filter((r) => r.series === series && r.sequence === sequence).map((r) => r.reward);
    expect(pick('true', 2)).toEqual([0.25, 0.75, 0]);
    expect(pick('predicted', 1)).toEqual([0.1, 0.4, 0.9]);
    expect(rows.filter((r) => r.sequence === 2).map((r) => r.x)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(spec.columns).toBe(2);
    expect(await rewardPredictionSvg({ horizon: 3, truth, predicted })).toContain('<svg');
    expect(() => rewardPredictionSpec({ horizon: 4, truth, predicted })).toThrow(
      /reward prediction lengths = \[6,6\] is invalid; allowed: two equal multiples of the horizon 4/,
    );
  });
});

describe('svgToPng', () => {
  it('renders text with the bundled font (no system fonts loaded)', () => {
    const text = (label: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><text x="5" y="28" font-family="sans-serif" font-size="24" fill="black">${label}</text></svg>`;
    const withText = decode(svgToPng(text('Return'), { scale: 1 }));
    const empty = decode(svgToPng(text(''), { scale: 1 }));
    expect([withText.width, withText.height]).toEqual([120, 40]);
    expect(countColour(empty, [0, 0, 0], 100)).toBe(0);
    expect(countColour(withText, [0, 0, 0], 100)).toBeGreaterThan(100);
    expect(decode(svgToPng(text('x'), { scale: 2 })).width).toBe(240);
    expect(() => svgToPng(text('x'), { scale: 0 })).toThrow(/scale is 0/);
  });
});
