import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPng } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { main, parseRandomArgs } from './cli.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, log: (s: string) => out.push(s), error: (s: string) => err.push(s) };
}

describe('cli', () => {
  it('lists the tasks', async () => {
    const c = capture();
    expect(await main(['list'], c.log, c.error)).toBe(0);
    expect(c.out).toContain('walker-walk');
    expect(c.out).toContain('humanoid-truncated');
    expect(c.out.length).toBe(14);
  });

  it('rejects bad flags with one line naming the flag and allowed values, exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['random', '--task', 'cartpole-swingup', '--bogus', '1'],
        /unknown flag '--bogus'; allowed: --task, --seed/,
      ],
      [['random', '--task', 'cart'], /--task 'cart' is not a task; allowed: cartpole-balance/],
      [
        ['random', '--task', 'reacher-easy', '--size', 'big'],
        /--size must be an integer >= 8, got 'big'/,
      ],
      [['random', '--task', 'reacher-easy', '--out', 'x.mp4'], /--out must end in .gif or .png/],
      [['random'], /--task is required/],
      [['fly'], /unknown command 'fly'; allowed: list, random/],
    ];
    for (const [argv, re] of cases) {
      const c = capture();
      expect(await main(argv, c.log, c.error)).toBe(2);
      expect(c.err.length).toBe(1);
      expect(c.err[0]).toMatch(re);
    }
    expect(parseRandomArgs(['--task', 'finger-spin', '--seed', '3'])).toEqual({
      task: 'finger-spin',
      seed: 3,
      out: undefined,
      size: 64,
      repeat: 1,
    });
  });

  it('runs a random episode and writes a GIF and a PNG strip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmbrl-envs-cli-'));
    try {
      const gif = join(dir, 'ep.gif');
      const c = capture();
      expect(
        await main(
          ['random', '--task', 'cartpole-swingup', '--repeat', '8', '--out', gif, '--size', '32'],
          c.log,
          c.error,
        ),
      ).toBe(0);
      expect(c.out[0]).toMatch(/cartpole-swingup seed 0: return \d+\.\d\d over 125 steps/);
      expect(readFileSync(gif).subarray(0, 6).toString()).toBe('GIF89a');
      const png = join(dir, 'strip.png');
      expect(
        await main(
          ['random', '--task', 'reacher-easy', '--repeat', '8', '--out', png],
          c.log,
          c.error,
        ),
      ).toBe(0);
      const strip = readPng(png);
      expect(strip.height).toBe(64);
      expect(strip.width).toBe(64 * 18); // 126 frames, every 7th
      // Atomic writes leave no temporary files behind.
      expect(readdirSync(dir).sort()).toEqual(['ep.gif', 'strip.png']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
