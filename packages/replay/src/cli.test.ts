import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-commands';
import { readDatasetManifest } from './dataset-manifest';
import { makeEpisode } from './episode';
import { writeEpisode } from './npz';
import { taggedDataset } from './testing/datasets';
import { temporaryDirectories } from './testing/temp';

const tmp = temporaryDirectories('cli');
const FIXTURES = join(__dirname, '..', 'fixtures');
const BIN = join(__dirname, '..', 'dist', 'cli.js');

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

/** A plain folder of episodes (no manifest), e.g. a run's episodes/. */
function folder(returns: number[]) {
  const dir = tmp();
  returns.forEach((r, i) => writeEpisode(join(dir, `ep-${i}.npz`), episodeWithReturn(5 + i, r)));
  return dir;
}

describe('vmbrl-dataset stats', () => {
  it('reports counts and the return distribution (hand-computed)', () => {
    const dir = folder([1, 2, 3, 4, 10]);
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

  it('a dataset also shows task, sources and split; --quick answers from the manifest', () => {
    const dir = taggedDataset(tmp(), [
      [0, 4, 'random'],
      [1, 4, 'oracle'],
      [2, 4, 'random'],
    ]);
    expect(run('split', dir, '--test-fraction', '0.34').code).toBe(0);
    const { code, out } = run('stats', dir, '--quick');
    expect(code).toBe(0);
    expect(out[0]).toBe(`${dir}: 3 episodes, 12 steps (9 transitions)`);
    expect(out[3]).toBe(
      'dataset task cartpole-swingup, action repeat 8; sources: oracle 1, random 2',
    );
    expect(out[4]).toBe('split 2 train, 1 test (random, seed 0, test fraction 0.34)');
  });

  it('an unreadable episode is a named error with exit 1, never NaN', () => {
    // A DreamerV3 episode (what `stats` used to report as 0 episodes and NaN, exit 0).
    const v3 = tmp();
    copyFileSync(join(FIXTURES, 'dreamerv3-episode.npz'), join(v3, 'v3.npz'));
    const result = run('stats', v3);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([
      `${join(v3, 'v3.npz')}: is a DreamerV3-style episode (keys is_first, is_last, is_terminal, no discount); an episode file needs action, reward, discount and image or state (Dreamer-v1 layout): convert it with \`vmbrl-dataset import-dreamerv3\``,
      `vmbrl-dataset: ${v3}: 1 of 1 episodes cannot be read`,
    ]);
    // A truncated file among good ones.
    const dir = folder([1, 2]);
    const bytes = readFileSync(join(dir, 'ep-1.npz'));
    writeFileSync(join(dir, 'ep-1.npz'), bytes.subarray(0, 60));
    const corrupt = run('stats', dir, '--json');
    expect(corrupt.code).toBe(1);
    expect(corrupt.out).toEqual([]);
    expect(corrupt.err[0]).toMatch(new RegExp(`^${join(dir, 'ep-1.npz')}: `));
    expect(corrupt.err[1]).toBe(`vmbrl-dataset: ${dir}: 1 of 2 episodes cannot be read`);
  });

  it('an empty or missing folder is a usage error with exit 2', () => {
    const empty = tmp();
    expect(run('stats', empty)).toEqual({
      code: 2,
      out: [],
      err: [`vmbrl-dataset: ${empty}: no episodes (statistics need at least one .npz episode)`],
    });
    expect(run('stats', '/nonexistent/dir')).toEqual({
      code: 2,
      out: [],
      err: ['vmbrl-dataset: /nonexistent/dir: no such directory'],
    });
  });
});

describe('vmbrl-dataset usage errors and help', () => {
  it('bad flags and values: one line naming them and what is allowed, exit 2', () => {
    const dir = taggedDataset(tmp(), [[0, 4, 'random']]);
    const cases: [string[], string][] = [
      [['stats', 'x', '--bogus'], 'unknown flag --bogus; allowed: --json, --quick'],
      [
        ['frobnicate'],
        "unknown command 'frobnicate'; allowed: stats, aggregate, split, optimism, verify, import-dreamerv3, export-dreamerv3 (--help)",
      ],
      [
        ['split', dir, '--test-fraction', '1.5'],
        '--test-fraction = 1.5 is invalid; allowed: a number in (0, 1)',
      ],
      [['split', dir, '--test-fraction', 'half'], "--test-fraction 'half' is not a number"],
      [
        ['split', dir, '--seed=-3'],
        '--seed -3 is out of range; allowed: an integer >= 0 and <= 4294967295',
      ],
      [
        ['split', dir, '--seed', '-3'],
        '--seed -3 is out of range; allowed: an integer >= 0 and <= 4294967295',
      ],
      [['stats', dir, '--json=yes'], '--json=yes is not allowed; write --json or --json=false'],
      [['aggregate', dir], '--out is required'],
      [['verify', dir, '--seed', '1'], 'unknown flag --seed; allowed: '],
      [['optimism', dir], 'give exactly one of --threshold and --quantile'],
      [
        ['export-dreamerv3', dir, '--out', 'x', '--split', 'validation'],
        "--split 'validation' is not allowed; choose one of: train, test",
      ],
      [['verify'], '0 arguments given; allowed: <dataset> (1)'],
      [['import-dreamerv3', dir, '--out', 'x', '--task', 't'], '--action-repeat is required'],
    ];
    for (const [argv, message] of cases) {
      const { code, err, out } = run(...argv);
      expect(err).toEqual([`vmbrl-dataset: ${message}`]);
      expect(code).toBe(2);
      expect(out).toEqual([]);
    }
    expect(run().code).toBe(2);
  });

  it('--help exits 0, for the tool and for each command', () => {
    const all = run('--help');
    expect(all.code).toBe(0);
    for (const command of [
      'stats',
      'aggregate',
      'split',
      'optimism',
      'verify',
      'import-dreamerv3',
    ]) {
      expect(all.out.some((l) => l.startsWith(`  ${command} `))).toBe(true);
      const one = run(command, '--help');
      expect(one.code).toBe(0);
      expect(one.out[0]).toMatch(new RegExp(`^usage: vmbrl-dataset ${command} `));
    }
  });

  it.skipIf(!existsSync(BIN))('the built executable sets the exit code', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('export-dreamerv3');
    const missing = spawnSync(process.execPath, [BIN, 'verify', '/nonexistent/data'], {
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('vmbrl-dataset: /nonexistent/data: no such dataset directory\n');
  });
});

describe('vmbrl-dataset dataset commands', () => {
  it('a missing dataset, a mixed-task aggregate and a split of an empty dataset: exit 2', () => {
    expect(run('split', '/nonexistent/data')).toMatchObject({
      code: 2,
      err: ['vmbrl-dataset: /nonexistent/data: no such dataset directory'],
    });
    const loose = folder([1]);
    expect(run('verify', loose)).toMatchObject({
      code: 2,
      err: [
        expect.stringMatching(
          new RegExp(`^vmbrl-dataset: ${loose}: not a dataset \\(no manifest.json\\)`),
        ),
      ],
    });
    const cartpole = taggedDataset(join(tmp(), 'cartpole'), [[0, 4, 'random']]);
    const cheetah = taggedDataset(join(tmp(), 'cheetah'), [[0, 4, 'random']], {
      task: 'cheetah-run',
      actionRepeat: 4,
    });
    const out = join(tmp(), 'out');
    expect(run('aggregate', '--out', out, cartpole, cheetah)).toEqual({
      code: 2,
      out: [],
      err: [
        `vmbrl-dataset: aggregate: ${cartpole} has task cartpole-swingup but ${cheetah} has task cheetah-run; only datasets of one task and action repeat can be merged`,
      ],
    });
    const empty = taggedDataset(tmp(), []);
    expect(run('split', empty)).toEqual({
      code: 2,
      out: [],
      err: [
        `vmbrl-dataset: split: ${empty} has 0 episodes; a split needs at least 2 (one train, one test)`,
      ],
    });
  });

  it('aggregate, split, optimism, verify; a corrupt episode is named with exit 1', () => {
    const a = taggedDataset(join(tmp(), 'a'), [
      [0, 4, 'random'],
      [1, 4, 'oracle'],
    ]);
    const b = taggedDataset(join(tmp(), 'b'), [
      [2, 4, 'random'],
      [3, 4, 'random'],
    ]);
    const out = join(tmp(), 'all');
    expect(run('aggregate', '--out', out, a, b, '--link').out).toEqual([
      `aggregated 2 datasets into ${out}: 4 added (4 hard-linked), 0 already there; sources: oracle 1, random 3`,
    ]);
    expect(run('optimism', out, '--quantile', '0.5').out).toEqual([
      `split ${out}: 2 train, 2 test (optimism: return < 6006 train, >= 6006 test (quantile 0.5))`,
    ]);
    expect(run('split', out).code).toBe(2); // already split
    expect(run('split', out, '--force', '--seed', '2', '--test-fraction', '0.25').out).toEqual([
      `split ${out}: 3 train, 1 test (random, seed 2, test fraction 0.25)`,
    ]);
    expect(run('verify', out)).toEqual({ code: 0, out: [`${out}: 4 episodes verified`], err: [] });
    const victim = readDatasetManifest(out).episodes[2].file;
    const bytes = readFileSync(join(out, victim));
    bytes[300] ^= 0x0f;
    writeFileSync(join(out, victim), bytes);
    const bad = run('verify', out);
    expect(bad.code).toBe(1);
    expect(bad.err[0]).toMatch(new RegExp(`^${join(out, victim)}: sha256 is [0-9a-f]{64}`));
    expect(bad.err[1]).toBe(`vmbrl-dataset: ${out}: 3 episodes verified, 1 problems`);
    const stats = run('stats', out);
    expect(stats.code).toBe(1);
    expect(stats.err[0]).toMatch(new RegExp(`^${join(out, victim)}: sha256 is`));
  });

  it('import-dreamerv3 and export-dreamerv3', () => {
    const data = join(tmp(), 'data');
    const args = ['--out', data, '--task', 'cartpole-swingup', '--action-repeat', '8'];
    expect(run('import-dreamerv3', join(FIXTURES, 'dreamerv3'), ...args)).toEqual({
      code: 0,
      out: [
        `imported 2 files into ${data}: 2 episodes added, 0 already there, 3 steps outside complete episodes skipped`,
      ],
      err: [],
    });
    expect(run('import-dreamerv3', join(FIXTURES, 'dreamerv3'), ...args).out[0]).toContain(
      '0 episodes added, 2 already there',
    );
    expect(
      run(
        'import-dreamerv3',
        join(FIXTURES, 'dreamerv3'),
        ...args.slice(0, 4),
        '--action-repeat',
        '2',
      ),
    ).toMatchObject({ code: 2, err: [expect.stringContaining('holds actionRepeat 8')] });
    const nowhere = join(tmp(), 'new-dataset');
    expect(
      run('import-dreamerv3', '/nonexistent/chunks', ...args.slice(2), '--out', nowhere),
    ).toEqual({
      code: 2,
      out: [],
      err: ['vmbrl-dataset: import-dreamerv3: /nonexistent/chunks: no such file or directory'],
    });
    expect(existsSync(nowhere)).toBe(false);
    const v1 = join(FIXTURES, 'dreamer-episode.npz');
    expect(run('import-dreamerv3', v1, ...args)).toMatchObject({
      code: 1,
      err: [expect.stringMatching(new RegExp(`^vmbrl-dataset: ${v1}: missing key 'is_first'`))],
    });
    const v3 = join(tmp(), 'v3');
    expect(run('export-dreamerv3', data, '--out', v3, '--float16')).toEqual({
      code: 0,
      out: [`exported 2 episodes of ${data} to ${v3} as DreamerV3 chunks (float16)`],
      err: [],
    });
    expect(readdirSync(v3)).toHaveLength(2);
    expect(
      run('export-dreamerv3', data, '--out', join(tmp(), 'x'), '--split', 'test'),
    ).toMatchObject({
      code: 2,
      err: [
        `vmbrl-dataset: ${data}: has no train/test split; make one with \`vmbrl-dataset split\` or \`vmbrl-dataset optimism\``,
      ],
    });
  });
});
