/**
 * The built page in a real browser: Debian's Chromium (/usr/bin/chromium) driven by
 * playwright-core, against the page served on 127.0.0.1 by our static server. The Node side
 * runs the same export on the wasm backend with our Node-only wasm kernels off, i.e. the same
 * tfjs kernels the browser build runs.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DreamSession, LiveSession, loadWebExport, restoreWebAgent } from '@vmbrl/agents';
import { initBackend, setWasmKernels } from '@vmbrl/tensor';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from './serve.js';

const app = fileURLToPath(new URL('..', import.meta.url));
const dist = join(app, 'dist');
const fixture = join(app, 'fixtures', 'planet-debug');
const broken = mkdtempSync(join(tmpdir(), 'vmbrl-web-broken-'));
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;

beforeAll(async () => {
  if (!existsSync(join(dist, 'index.html')))
    throw new Error(`${dist} is not built: run pnpm build`);
  // A damaged export: the model's data file cut short.
  cpSync(fixture, broken, { recursive: true });
  const data = readFileSync(join(broken, 'model', 'data.bin'));
  writeFileSync(join(broken, 'model', 'data.bin'), data.subarray(0, 1000));
  server = await serveStatic(
    { '/': dist, '/fixtures/debug/': fixture, '/fixtures/broken/': broken },
    0,
  );
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  await initBackend({ backend: 'wasm', log: false });
  setWasmKernels([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(broken, { recursive: true, force: true });
});

const nodeReader = (dir: string) => ({
  text: async (p: string) => readFileSync(join(dir, p), 'utf8'),
  bytes: async (p: string) => new Uint8Array(readFileSync(join(dir, p))),
});

/** Opens the page with `query`; collects console errors; waits until it started or failed. */
async function open(query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}${query}`);
  await page.waitForFunction(
    () => {
      const api = (window as never as { vmbrlPage?: { live?: unknown; error?: string } }).vmbrlPage;
      return api?.live !== undefined || api?.error !== undefined;
    },
    null,
    { timeout: 90_000 },
  );
  return { page, errors };
}

/** RGB bytes of a canvas. */
const canvasPixels = (page: Page, id: string) =>
  page.evaluate((id) => {
    const c = document.getElementById(id) as HTMLCanvasElement;
    const data = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(
      0,
      0,
      c.width,
      c.height,
    ).data;
    return Array.from(data.filter((_, i) => i % 4 !== 3));
  }, id);

describe('the page in Chromium', () => {
  it('loads the shipped export without console errors; the live canvas changes step to step', async () => {
    const { page, errors } = await open('');
    expect(
      await page.evaluate(
        () => (window as never as { vmbrlPage: { error?: string } }).vmbrlPage.error,
      ),
    ).toBeUndefined();
    expect(await page.textContent('#backend')).toMatch(/^backend: (wasm|webgpu)/);
    const frames: number[][] = [await canvasPixels(page, 'live-real')];
    for (let i = 0; i < 3; i++) {
      await page.evaluate(() =>
        (
          window as never as { vmbrlPage: { live: { step(): Promise<unknown> } } }
        ).vmbrlPage.live.step(),
      );
      frames.push(await canvasPixels(page, 'live-real'));
    }
    for (const frame of frames) {
      // Not blank: the frame has many distinct colours (sky, floor, cart).
      expect(new Set(frame).size).toBeGreaterThan(20);
    }
    for (let i = 1; i < frames.length; i++) {
      const changed = (frames[i] as number[]).filter(
        (v, j) => v !== (frames[i - 1] as number[])[j],
      ).length;
      expect(changed, `step ${i}`).toBeGreaterThan(0);
    }
    const predicted = await canvasPixels(page, 'live-predicted');
    expect(new Set(predicted).size).toBeGreaterThan(20);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gives the same episode return as Node on the wasm backend for one seed (debug checkpoint)', async () => {
    const { page, errors } = await open('?export=/fixtures/debug/&backend=wasm&seed=3');
    const inBrowser = await page.evaluate(() =>
      (
        window as never as { vmbrlPage: { live: { play(): Promise<number> } } }
      ).vmbrlPage.live.play(),
    );
    const exported = await loadWebExport(nodeReader(fixture), fixture);
    const live = await LiveSession.create(exported, { seed: 3 });
    while (!live.done) await live.step();
    const inNode = live.episodeReturn;
    await live.dispose();
    console.log(`episode return, seed 3: browser ${inBrowser}, Node ${inNode}`);
    // Same kernels, same wasm, same MuJoCo: equal up to 1e-9 (measured: identical).
    expect(Math.abs(inBrowser - inNode)).toBeLessThanOrEqual(1e-9);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('decodes the same dream frame as Node for a fixed key sequence', async () => {
    const { page, errors } = await open('?export=/fixtures/debug/&backend=wasm&tab=dream');
    await page.evaluate(() =>
      (
        window as never as { vmbrlPage: { dream: { start(e: number, i: number): void } } }
      ).vmbrlPage.dream.start(0, 5),
    );
    await page.focus('#dream');
    // Right + step, Right + step, Left + step: actions 1, 1, -1.
    for (const key of ['ArrowRight', 'Space', 'ArrowRight', 'Space', 'ArrowLeft', 'Space']) {
      await page.keyboard.press(key);
    }
    expect(await page.textContent('#dream-stats')).toContain('imagined steps 3');
    const inBrowser = await page.evaluate(() =>
      Array.from(
        (
          window as never as { vmbrlPage: { dream: { frame(): Uint8Array } } }
        ).vmbrlPage.dream.frame(),
      ),
    );
    const exported = await loadWebExport(nodeReader(fixture), fixture);
    const agent = await restoreWebAgent(exported);
    const dream = DreamSession.start(agent, exported.episodes[0] as never, 5);
    for (const a of [1, 1, -1]) dream.step([a]);
    const inNode = Array.from(dream.frame());
    dream.dispose();
    await agent.dispose();
    const diff = Math.max(...inNode.map((v, i) => Math.abs(v - (inBrowser[i] as number))));
    console.log(`dream frame after 3 steps: max |browser - Node| = ${diff} (of 255)`);
    expect(inBrowser.length).toBe(64 * 64 * 3);
    // Tolerance: at most 1 grey level per channel (measured: 0).
    expect(diff).toBeLessThanOrEqual(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a readable error for a missing or a damaged export', async () => {
    const missing = await open('?export=/fixtures/none/');
    await missing.page.waitForSelector('#error:not([hidden])');
    expect(await missing.page.textContent('#error')).toContain(
      'Could not start: No web export at /fixtures/none: export.json cannot be read (/fixtures/none/export.json: HTTP 404)',
    );
    await missing.page.close();
    const damaged = await open('?export=/fixtures/broken/');
    await damaged.page.waitForSelector('#error:not([hidden])');
    expect(await damaged.page.textContent('#error')).toMatch(
      /Could not start: Checkpoint data \/fixtures\/broken\/model\/data\.bin is truncated or corrupt: 1000 bytes, manifest says \d+/,
    );
    await damaged.page.close();
  });
});
