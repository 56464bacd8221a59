import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
const server = spawn('node', ['dist-node/cli.js', 'serve', '--port', '4199'], { cwd: '/work/wt/i22b/apps/web', stdio: 'inherit' });
await new Promise((r) => setTimeout(r, 1000));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
page.on('console', (m) => console.log('console', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror', e.message));
const t0 = Date.now();
await page.goto(`http://127.0.0.1:4199/${process.argv[2] ?? ''}`);
await page.waitForFunction(() => window.vmbrlPage?.live || window.vmbrlPage?.error, null, { timeout: 120000 });
console.log('ready after', Date.now() - t0, 'ms', await page.evaluate(() => [window.vmbrlPage.backend, window.vmbrlPage.error]));
if (await page.evaluate(() => !!window.vmbrlPage.live)) {
  const r = await page.evaluate(async () => { const t = performance.now(); const ret = await window.vmbrlPage.live.play(10); return [ret, (performance.now() - t) / 10]; });
  console.log('return after 10 steps, ms/step', r);
  console.log(await page.textContent('#live-stats'));
  await page.screenshot({ path: '/tmp/smoke.png', fullPage: true });
}
await browser.close();
server.kill();
