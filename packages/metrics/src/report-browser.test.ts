/**
 * The report's charts in a real browser (headless Chromium driven by playwright-core), with
 * every request that is not the file itself refused: the page draws its charts offline, the
 * hover read-out shows the values of the metrics log, the smoothing slider applies TensorBoard's
 * debiased moving average (computed here independently), and a drag zooms the x axis.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsLog } from './metrics-log.js';
import { writeRunReport } from './run-report.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = mkdtempSync(join(tmpdir(), 'vmbrl-report-browser-'));
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The viewBox x of environment step `x`: the plot spans 64..692 of 720 for steps 0..2000. */
const plotX = (x: number) => 64 + (x / 2000) * (720 - 64 - 28);

/** TensorBoard's smoothing, written out: EMA with weight w, divided by 1 - w^n. */
function debiasedEma(values: readonly number[], w: number): number[] {
  let last = 0;
  return values.map((v, i) => {
    last = last * w + (1 - w) * v;
    return last / (1 - w ** (i + 1));
  });
}

describe.skipIf(!existsSync(CHROMIUM))('report.html in headless Chromium, offline', () => {
  it('draws labelled charts, reads values on hover, smooths and zooms', async () => {
    const runDir = join(root, 'run');
    const log = MetricsLog.open(join(runDir, 'metrics.jsonl'));
    const loss = Array.from({ length: 21 }, (_, s) => (s % 2 === 0 ? 10 : 20) - s / 4);
    for (let s = 0; s <= 20; s++) {
      log.append({ step: s * 100, kind: 'train', loss: loss[s] as number });
      log.append({ step: s * 100, kind: 'episode', return: s });
      if (s % 5 === 0) log.append({ step: s * 100, kind: 'eval', return: s * 10 });
    }
    const { reportPath } = await writeRunReport(runDir, { png: false, lossKeys: ['loss'] });

    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    const foreign: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(reportPath).href);
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);

    // Two charts (returns, loss), each with both axis labels.
    const labels = await page.$$eval('.chart svg', (svgs) =>
      svgs.map((svg) => [...svg.querySelectorAll('text.label')].map((t) => t.textContent)),
    );
    expect(labels).toEqual([
      ['environment steps', 'episode return'],
      ['environment steps', 'loss'],
    ]);

    const charts = page.locator('.chart svg');
    /** Hovers chart `index` at environment step `x` (the plot spans steps 0..2000). */
    const hover = async (index: number, x: number) => {
      const box = await charts.nth(index).boundingBox();
      if (!box) throw new Error('chart has no box');
      const scale = box.width / 720; // the viewBox is 720 wide
      await page.mouse.move(box.x + plotX(x) * scale, box.y + 120 * scale);
      return page.locator('.chart-tip').nth(index).textContent();
    };
    // Smoothing 0: the read-out is the raw value of the log.
    await page.locator('#vmbrl-smoothing').fill('0');
    expect(await hover(0, 1000)).toBe(
      'training episodes @ 1000: 10\nevaluation (mean) @ 1000: 100',
    );
    expect(await hover(1, 700)).toBe(`loss @ 700: ${loss[7]}`);
    // Smoothing 0.8: the smoothed value, then the raw one; evaluations (points) stay raw.
    await page.locator('#vmbrl-smoothing').fill('0.8');
    const returns = debiasedEma(
      Array.from({ length: 21 }, (_, s) => s),
      0.8,
    );
    expect(await hover(0, 1000)).toBe(
      `training episodes @ 1000: ${Number((returns[10] as number).toPrecision(4))} (raw 10)\nevaluation (mean) @ 1000: 100`,
    );
    const smoothed = debiasedEma(loss, 0.8)[7] as number;
    expect(await hover(1, 700)).toBe(
      `loss @ 700: ${Number(smoothed.toPrecision(4))} (raw ${loss[7]})`,
    );

    // Drag from step 500 to 1500 on the loss chart: its x ticks stay inside that range.
    const box = await charts.nth(1).boundingBox();
    if (!box) throw new Error('chart has no box');
    const scale = box.width / 720;
    const at = (x: number) => box.x + plotX(x) * scale;
    await page.mouse.move(at(500), box.y + 100 * scale);
    await page.mouse.down();
    await page.mouse.move(at(1000), box.y + 100 * scale);
    await page.mouse.move(at(1500), box.y + 100 * scale);
    await page.mouse.up();
    const ticks = async () =>
      (await charts.nth(1).locator('text.tick[text-anchor="middle"]').allTextContents()).map(
        Number,
      );
    const zoomed = await ticks();
    expect(Math.min(...zoomed)).toBeGreaterThanOrEqual(490);
    expect(Math.max(...zoomed)).toBeLessThanOrEqual(1510);
    await charts.nth(1).dblclick({ position: { x: 300 * scale, y: 100 * scale } });
    expect(await ticks()).toEqual([0, 500, 1000, 1500, 2000]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
