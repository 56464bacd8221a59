#!/usr/bin/env node
/**
 * Takes the README's screenshot of a run report: copies a run's config.json and metrics.jsonl
 * (default: docs/results/runs/planet-quick-c100-s0, a real PlaNet quick run) to a temporary
 * folder, writes its report as a run does, opens it offline in headless Chromium (every request
 * other than the file refused), hovers the returns chart, and saves the top of the page.
 *
 * usage: node apps/online/scripts/report-screenshot.mjs [RUN_DIR] [OUT_PNG]   (after pnpm build)
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeReport } from '@vmbrl/agents';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const runDir = resolve(process.argv[2] ?? join(root, 'docs/results/runs/planet-quick-c100-s0'));
const outPng = resolve(process.argv[3] ?? join(root, 'docs/report-screenshot.png'));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const dir = mkdtempSync(join(tmpdir(), 'vmbrl-screenshot-'));
try {
  for (const file of ['config.json', 'metrics.jsonl'])
    copyFileSync(join(runDir, file), join(dir, file));
  const report = await writeReport(dir, ['loss', 'image', 'reward', 'kl']);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1300 } });
    const foreign = [];
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith('file:')) return route.continue();
      foreign.push(route.request().url());
      return route.abort();
    });
    await page.goto(pathToFileURL(report).href);
    if (foreign.length > 0) throw new Error(`the report asked for ${foreign.join(', ')}`);
    const chart = page.locator('.chart svg').first();
    const box = await chart.boundingBox();
    if (!box) throw new Error('the report drew no chart');
    await page.mouse.move(box.x + box.width * 0.62, box.y + box.height * 0.5);
    await page.screenshot({ path: outPng, clip: { x: 0, y: 0, width: 1000, height: 1300 } });
    console.log(`written      ${outPng} (report of ${runDir})`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
