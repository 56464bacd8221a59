import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The built CLI (turbo builds the app before its tests).
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const root = mkdtempSync(join(tmpdir(), 'vmbrl-online-compare-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, 'compare', ...args], { encoding: 'utf8' });
}

/** Every file under `dir` with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files[name] = readFileSync(path, 'latin1');
  }
  return files;
}

/** A run directory as vmbrl-online writes it: config.json and metrics.jsonl. */
function runDir(name: string, seed: number, evals: [number, number][], lastStep: number): string {
  const dir = join(root, 'runs', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ agent: 'planet', seed }));
  const rows: object[] = evals.map(([step, ret], i) => ({
    step,
    kind: 'eval',
    episode: i + 1,
    return: ret,
    episodes: 1,
  }));
  rows.push({ step: lastStep, kind: 'episode', episode: 9, return: 1, random: false });
  rows.push({ step: lastStep, kind: 'train', loss: 1, updates: 5, updatesPerSecond: 2 });
  writeFileSync(join(dir, 'metrics.jsonl'), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return dir;
}

describe('vmbrl-online compare', () => {
  const s0 = runDir(
    'planet-s0',
    0,
    [
      [1000, 20],
      [2000, 40],
    ],
    2000,
  );
  const s1 = runDir(
    'planet-s1',
    1,
    [
      [1000, 30],
      [2000, 50],
    ],
    2500,
  );
  const s2 = runDir('planet-s2', 2, [[1000, 40]], 1200);
  const random = runDir(
    'random-s0',
    0,
    [
      [1000, 10],
      [2000, 12],
    ],
    2000,
  );

  it('prints the table with mean ± std over seeds and writes the SVG and PNG', () => {
    const out = join(root, 'results', 'planet-cartpole');
    const runsBefore = snapshot(join(root, 'runs'));
    const result = cli([
      '--group',
      `PlaNet quick=${s0},${s1},${s2}`,
      '--group',
      `Random=${random}`,
      '--reference',
      'random policy=26.6',
      '--title',
      'cartpole-swingup',
      '--out',
      out,
    ]);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    // by hand: finals 40, 50, 40 -> mean 130 / 3 = 43.33, deviations -3.33, 6.67, -3.33 ->
    // std sqrt((11.11 + 44.44 + 11.11) / 2) = sqrt(33.33) = 5.77; bests are the finals here.
    expect(lines[2]).toBe(
      '| PlaNet quick | 3 | 1,200–2,500 | 43.3 ± 5.8 | 43.3 ± 5.8 | seed 0: 40.0 (2,000 / 2,000); seed 1: 50.0 (2,000 / 2,500); seed 2: 40.0 (1,000 / 1,200) |',
    );
    expect(lines[3]).toBe('| Random | 1 | 2,000 | 12.0 | 12.0 | seed 0: 12.0 (2,000 / 2,000) |');
    expect(lines[4]).toBe('| random policy (reference) | | | 26.6 | | |');
    expect(result.stdout).toContain(`plot         ${out}.svg\n             ${out}.png\n`);
    expect(existsSync(`${out}.svg`)).toBe(true);
    expect(existsSync(`${out}.png`)).toBe(true);
    expect(snapshot(join(root, 'runs'))).toEqual(runsBefore); // runs are only read
  });

  it('a bad flag or value prints one line naming it and what is allowed, exit code 2', () => {
    const out = ['--out', join(root, 'x')];
    const cases: [string[], string][] = [
      [['--grup', 'a=b', ...out], 'unknown flag --grup; allowed: --group, --reference, --title'],
      [['--group', 'PlaNet', ...out], `--group 'PlaNet' is not allowed; write --group "LABEL=`],
      [['--group', `a=${s0},`, ...out], `--group 'a=${s0},' is not allowed`],
      [
        ['--group', `a=${s0}`, '--reference', 'random=high', ...out],
        `--reference 'random=high' is not allowed; write --reference "LABEL=VALUE"`,
      ],
      [['--group', `a=${s0}`, '--range', 'some', ...out], "--range 'some' is not allowed"],
      [['--group', `a=${s0}`], 'compare needs --out BASE'],
      [out, 'compare needs at least one --group'],
      [['--group'], 'flag --group needs a value'],
      [
        ['--group', `a=${s0}`, '--out', join(s0, 'plots', 'x')],
        `--out ${join(s0, 'plots', 'x')} is inside the run directory ${s0}, which compare only reads`,
      ],
    ];
    for (const [args, message] of cases) {
      const result = cli(args);
      expect(result.status, args.join(' ')).toBe(2);
      const stderr = result.stderr.trim().split('\n');
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toContain(message);
    }
  });

  it('an unreadable run prints one line naming the file and line, exit code 1', () => {
    const broken = join(root, 'runs', 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(
      join(broken, 'metrics.jsonl'),
      '{"step":1000,"kind":"eval","return":3}\n{oops\n\n',
    );
    const result = cli(['--group', `a=${s0},${broken}`, '--out', join(root, 'broken-plot')]);
    expect(result.status).toBe(1);
    const stderr = result.stderr.trim().split('\n');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain(`${join(broken, 'metrics.jsonl')}:2: not valid JSON`);
    expect(existsSync(join(root, 'broken-plot.svg'))).toBe(false);
  });
});
