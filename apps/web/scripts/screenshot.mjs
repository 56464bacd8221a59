#!/usr/bin/env node
// Screenshot of the page for the README (docs/web-page.png) and a frame-rate figure: opens the
// served page (default http://127.0.0.1:4173/, start it with `pnpm run web`) in Debian's
// Chromium, times N agent steps with planning on, dreams a few steps, and saves the picture.
// usage: node apps/web/scripts/screenshot.mjs [URL] [--steps 30] [--out docs/web-page.png]
import { loadavg } from 'node:os';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const url = args.find((a) => a.startsWith('http')) ?? 'http://127.0.0.1:4173/';
const steps = Number(flag('steps', '30'));
const out = flag('out', new URL('../../../docs/web-page.png', import.meta.url).pathname);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`${url}${url.includes('?') ? '&' : '?'}tab=all`);
await page.waitForFunction(() => window.vmbrlPage?.live || window.vmbrlPage?.error, null, {
  timeout: 120_000,
});
const error = await page.evaluate(() => window.vmbrlPage.error);
if (error) throw new Error(`the page failed: ${error}`);
// Steps back to back (no waiting for the control rate): how fast the agent acts, planning on.
const timing = await page.evaluate(async (n) => {
  const live = window.vmbrlPage.live;
  const start = performance.now();
  let done = 0;
  for (; done < n; done++) if (!(await live.step())) break;
  return { steps: done, seconds: (performance.now() - start) / 1000 };
}, steps);
await page.evaluate(() => {
  const dream = window.vmbrlPage.dream;
  dream.start(0, 20);
  for (const a of [1, 1, 1, -1, -1, 0]) dream.step([a]);
});
await page.click('#runs-open');
await page.waitForSelector('#runs-out .chart');
await page.screenshot({ path: out, fullPage: true });
const backend = await page.textContent('#backend');
await browser.close();
console.log(
  `${timing.steps} agent steps in ${timing.seconds.toFixed(1)} s = ${(timing.steps / timing.seconds).toFixed(2)} steps/s with planning (${backend}); load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; screenshot ${out}`,
);
