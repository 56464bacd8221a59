import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-commands';
import { makeEpisode } from './episode';
import { writeEpisode } from './npz';

const created: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-replay-cli-'));
  created.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/** An episode of T rows whose rewards sum to `total` (spread over rows 1..T-1; row 0 is 0). */
function episodeWithReturn(T: number, total: number) {
  const reward = new Float32Array(T);
  reward[T - 1] = total;
  return makeEpisode({
    state: new Float32Array(T * 2),
    action: new Float32Array(T),
    reward,
    discount: new Float32Array(T).fill(1),
  });
}

function datasetDir(returns: number[], prefix = 'ep') {
  const dir = tmp();
  returns.forEach((r, i) =>
    writeEpisode(join(dir, `${prefix}-${i}.npz`), episodeWithReturn(5 + i, r)),
  );
  return dir;
}

describe('vmbrl-dataset stats', () => {
  it('reports counts and the return distribution (hand-computed)', () => {
    const dir = datasetDir([1, 2, 3, 4, 10]);
    const { code, out } = run('stats', dir, '--json');
    expect(code).toBe(0);
    const stats = JSON.parse(out[0]);
    expect(stats.episodes).toBe(5);
    expect(stats.steps).toBe(5 + 6 + 7 + 8 + 9);
    expect(stats.transitions).toBe(35 - 5);
    // mean 4; population variance (9+4+1+0+36)/5 = 10; numpy-style linear percentiles.
    expect(stats.return.mean).toBe(4);
    expect(stats.return.std).toBeCloseTo(Math.sqrt(10), 12);
    expect(stats.return.p5).toBeCloseTo(1.2, 12);
    expect(stats.return.p25).toBe(2);
    expect(stats.return.p50).toBe(3);
    expect(stats.return.p95).toBeCloseTo(8.8, 12);
    expect([stats.return.min, stats.return.max]).toEqual([1, 10]);
    const text = run('stats', dir);
    expect(text.out[0]).toBe(`${dir}: 5 episodes, 35 steps (30 transitions)`);
    expect(text.out[2]).toContain('median 3');
  });

  it('skips and names a corrupt episode', () => {
    const dir = datasetDir([1, 2]);
    const bytes = readFileSync(join(dir, 'ep-1.npz'));
    writeFileSync(join(dir, 'ep-1.npz'), bytes.subarray(0, 60));
    const { code, out, err } = run('stats', dir, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out[0]).episodes).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^skipped ep-1\.npz: .*ep-1\.npz: /);
  });
});

describe('vmbrl-dataset usage', () => {
  it('--help of the tool and of each command prints usage, exit code 0', () => {
    const top = run('--help');
    expect(top.code).toBe(0);
    expect(top.out[0]).toContain('usage: vmbrl-dataset <command>');
    expect(run('-h').code).toBe(0);
    const split = run('split', '--help');
    expect(split.code).toBe(0);
    expect(split.out[0]).toContain('--test-fraction');
  });

  it('bad flags give one line naming the flag and what is allowed, exit code 2', () => {
    const cases: [string[], string][] = [
      [['stats', 'x', '--bogus'], 'vmbrl-dataset: unknown flag --bogus; allowed: --json, --quick'],
      [
        ['frobnicate'],
        "vmbrl-dataset: unknown command 'frobnicate'; allowed: stats, merge, split, manifest",
      ],
      [
        ['split', 'x', '--out', 'y', '--test-fraction', '1.5'],
        'vmbrl-dataset: --test-fraction 1.5 is out of range; allowed: a number >= 0 and <= 1',
      ],
      [
        ['split', 'x', '--out', 'y', '--seed', '-3'],
        'vmbrl-dataset: --seed -3 is out of range; allowed: an integer >= 0',
      ],
      [['split', 'x'], 'vmbrl-dataset: split needs --out <dir>'],
      [['manifest', 'x', '--seed', '1'], 'vmbrl-dataset: unknown flag --seed; allowed: '],
      [
        ['merge', 'only-out'],
        'vmbrl-dataset: 1 arguments given; allowed: the output and source directories (2 or more)',
      ],
    ];
    for (const [argv, message] of cases) {
      const { code, err, out } = run(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(err).toHaveLength(1);
      expect(err[0]?.startsWith(message), err[0]).toBe(true);
      expect(out).toEqual([]);
    }
  });

  it('a missing directory is named, exit code 1', () => {
    expect(run('stats', '/nonexistent/dir')).toMatchObject({
      code: 1,
      err: ['vmbrl-dataset: /nonexistent/dir: not a directory'],
    });
  });
});

describe('vmbrl-dataset merge, split, manifest', () => {
  it('merges directories, keeping identical files once and renaming clashes', () => {
    const a = datasetDir([1, 2], 'a');
    const b = datasetDir([3], 'a'); // a-0.npz with different content
    writeFileSync(join(b, 'copy.npz'), readFileSync(join(a, 'a-1.npz')));
    const out = join(tmp(), 'merged');
    const { code, out: lines } = run('merge', out, a, b);
    expect(code).toBe(0);
    expect(lines[0]).toBe(`merged into ${out}: 3 copied, 1 duplicates, 1 renamed, 0 skipped`);
    expect(readdirSync(out).sort()).toEqual(['a-0-1.npz', 'a-0.npz', 'a-1.npz']);
    expect(readFileSync(join(out, 'a-0-1.npz')).equals(readFileSync(join(b, 'a-0.npz')))).toBe(
      true,
    );
  });

  it('splits by episode deterministically', () => {
    const dir = datasetDir(Array.from({ length: 20 }, (_, i) => i));
    const outA = join(tmp(), 'a');
    const outB = join(tmp(), 'b');
    const outC = join(tmp(), 'c');
    expect(run('split', dir, '--test-fraction', '0.25', '--seed', '3', '--out', outA).out[0]).toBe(
      `split ${dir}: 15 train, 5 test (seed 3)`,
    );
    run('split', dir, '--test-fraction=0.25', '--seed=3', `--out=${outB}`);
    run('split', dir, '--test-fraction', '0.25', '--seed', '4', '--out', outC);
    const test = (out: string) => readdirSync(join(out, 'test')).sort();
    const train = (out: string) => readdirSync(join(out, 'train')).sort();
    expect(test(outA)).toEqual(test(outB));
    expect(test(outA)).not.toEqual(test(outC));
    expect([...test(outA), ...train(outA)].sort()).toEqual(readdirSync(dir).sort());
    expect(JSON.parse(readFileSync(join(outA, 'split.json'), 'utf8')).test).toEqual(test(outA));
  });

  it('writes a manifest with sha256 checksums', () => {
    const dir = datasetDir([1, 2, 3]);
    expect(run('manifest', dir).out[0]).toBe(`wrote ${dir}/manifest.json: 3 episodes, 18 steps`);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.episodes.map((e: { file: string }) => e.file)).toEqual([
      'ep-0.npz',
      'ep-1.npz',
      'ep-2.npz',
    ]);
    for (const e of manifest.episodes) {
      expect(e.sha256).toBe(
        createHash('sha256')
          .update(readFileSync(join(dir, e.file)))
          .digest('hex'),
      );
    }
    expect(manifest.episodes[2]).toMatchObject({ length: 7, return: 3 });
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
  });
});

describe('the vmbrl-dataset executable', () => {
  // The built bin (turbo builds the package before its tests).
  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
  const exec = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

  it('--help exits 0, a usage error exits 2, a missing directory exits 1; one line each', () => {
    const help = exec('stats', '-h');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: vmbrl-dataset stats <dir>');
    const usage = exec('split', 'x', '--test-fraction=2', '--out', 'y');
    expect(usage.status).toBe(2);
    expect(usage.stderr.trim().split('\n')).toEqual([
      'vmbrl-dataset: --test-fraction 2 is out of range; allowed: a number >= 0 and <= 1',
    ]);
    const missing = exec('manifest', '/nonexistent/dir');
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe('vmbrl-dataset: /nonexistent/dir: not a directory');
  });
});
