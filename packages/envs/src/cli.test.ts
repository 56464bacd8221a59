import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPng } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { main, parseRandomArgs } from './cli.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, log: (s: string) => out.push(s), error: (s: string) => err.push(s) };
}

describe('cli', () => {
  it('--help and -h print the usage, exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['random', '--help'], ['list', '-h']]) {
      const c = capture();
      expect(await main(argv, c.log, c.error), argv.join(' ')).toBe(0);
      expect(c.out[0]).toContain('usage: vmbrl-envs list | random');
      expect(c.err).toEqual([]);
    }
    const c = capture();
    await main(['random', '--help'], c.log, c.error);
    expect(c.out[0]).toContain('--repeat');
  });

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
        /^vmbrl-envs: unknown flag --bogus; allowed: --task, --seed/,
      ],
      [
        ['random', '--task', 'cart'],
        /--task 'cart' is not allowed; choose one of: cartpole-balance/,
      ],
      [
        ['random', '--task', 'reacher-easy', '--size', 'big'],
        /--size 'big' is not an integer >= 8 and <= 512/,
      ],
      [
        ['random', '--task', 'reacher-easy', '--size=4'],
        /--size 4 is out of range; allowed: an integer >= 8 and <= 512/,
      ],
      [
        ['random', '--task', 'reacher-easy', '--size', '4096'],
        /--size 4096 is out of range; allowed: an integer >= 8 and <= 512/,
      ],
      [
        ['random', '--task', 'reacher-easy', '--out', 'x.mp4'],
        /--out 'x.mp4' is not allowed; write a name ending in .gif or .png/,
      ],
      [['random'], /random needs --task; allowed: cartpole-balance/],
      [['fly'], /unknown command 'fly'; allowed: list, random/],
      [['list', '--all'], /unknown flag --all/],
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

describe('the vmbrl-envs executable', () => {
  // The built bin (the global setup builds the package when dist is stale).
  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

  it('--help exits 0; a usage error prints one line and exits 2', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: vmbrl-envs');
    const bad = run('random', '--task', 'cartpole-swingup', '--seed', 'x');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe(
      "vmbrl-envs: --seed 'x' is not an integer >= 0 and <= 4294967295",
    );
  });
});
