import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resolveRunConfig, runOnline } from '../registry.js';
import {
  DiskSpaceError,
  FREE_BYTES_ENV,
  MIN_FREE_BYTES,
  directoryBytes,
  freeBytes,
  requiredFreeBytes,
} from './disk-space.js';
import { readLoopState } from './run-dir.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-disk-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env[FREE_BYTES_ENV];
});

describe('the free-space threshold', () => {
  it('is max(256 MB, 4 x the last checkpoint)', () => {
    expect(MIN_FREE_BYTES).toBe(268_435_456);
    expect(requiredFreeBytes(0)).toBe(268_435_456);
    expect(requiredFreeBytes(10 * 2 ** 20)).toBe(268_435_456);
    expect(requiredFreeBytes(100 * 2 ** 20)).toBe(419_430_400);
  });

  it('measures what df reports, unless the test variable replaces it', () => {
    const dir = tempDir();
    const df = Number(
      execFileSync('df', ['-B1', '--output=avail', dir], { encoding: 'utf8' })
        .trim()
        .split('\n')[1],
    );
    // Other processes write meanwhile: within 1 % (or 64 MB) of df's figure.
    expect(Math.abs(freeBytes(dir) - df)).toBeLessThan(Math.max(df * 0.01, 64 * 2 ** 20));
    process.env[FREE_BYTES_ENV] = '12345';
    expect(freeBytes(dir)).toBe(12345);
    process.env[FREE_BYTES_ENV] = 'lots';
    expect(() => freeBytes(dir)).toThrow(/not a byte count/);
  });
});

describe('a run short of disk space', () => {
  const config = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 7, { maxEpisodes: 3 });

  it('stops before writing its episode, keeps the last checkpoint, and resumes when freed', async () => {
    const out = tempDir();
    // The disk "fills up" while the third episode is played (two episodes are checkpointed).
    const run = runOnline({
      config,
      out,
      backend: 'cpu',
      onProgress: (p) => {
        if (p.episodes === 2) process.env[FREE_BYTES_ENV] = String(MIN_FREE_BYTES - 1);
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiskSpaceError);
    expect((error as Error).message).toMatch(
      /: only 256\.0 MB free on its filesystem, below the 256\.0 MB a run needs to write .* the last checkpoint stands/,
    );
    const checkpoint = join(out, 'checkpoint');
    expect(readLoopState(checkpoint)).toMatchObject({ episodes: 2, envSteps: 160 });
    expect(readdirSync(join(out, 'episodes')).sort()).toEqual(['000000-11.npz', '000001-11.npz']);
    expect(existsSync(join(out, 'checkpoint.next'))).toBe(false);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines.every((line) => JSON.parse(line).step <= 160)).toBe(true);
    expect(directoryBytes(checkpoint)).toBeGreaterThan(0);

    delete process.env[FREE_BYTES_ENV];
    const resumed = await runOnline({ config, out, backend: 'cpu' });
    expect(resumed).toMatchObject({ stoppedBy: 'budget', resumed: true });
    expect(resumed.state.episodes).toBe(3);
  });

  it('refuses to start when the disk is already short, writing no episode', async () => {
    const out = tempDir();
    process.env[FREE_BYTES_ENV] = '0';
    await expect(runOnline({ config, out, backend: 'cpu' })).rejects.toThrow(/only 0\.0 MB free/);
    expect(readdirSync(join(out, 'episodes'))).toEqual([]);
    expect(existsSync(join(out, 'checkpoint'))).toBe(false);
  });
});
