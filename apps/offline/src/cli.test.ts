import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from '@vmbrl/core';
import { afterAll, describe, expect, it } from 'vitest';

// The built CLI (turbo builds the app before its tests).
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const root = mkdtempSync(join(tmpdir(), 'vmbrl-offline-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ status: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

const debug = ['--backend', 'cpu', '--preset', 'debug'];
const data = join(root, 'data');

describe('vmbrl-offline', () => {
  it('--help lists the commands; each command prints its flags; exit 0', async () => {
    const cases: [string[], string][] = [
      [['--help'], 'collect'],
      [['-h'], 'report'],
      [['--help'], 'aggregate'],
      [['aggregate', '--help'], '--link'],
      [['collect', '--help'], '--oracle-preset'],
      [['split', '-h'], '--quantile'],
      [['train', '--help'], 'predictionWindows'],
      [['evaluate', '--help'], '--episodes'],
      [['report', '--help'], '--png'],
    ];
    const results = await Promise.all([...cases.map(([args]) => cli(args)), cli([])]);
    cases.forEach(([args, text], i) => {
      expect(results[i].status, args.join(' ')).toBe(0);
      expect(results[i].stdout).toContain(text);
    });
    expect(results[cases.length].status).toBe(2);
  });

  it('collect -> split -> train (debug) -> evaluate -> report end to end', async () => {
    const collected = await cli([
      'collect',
      '--dataset',
      data,
      '--task',
      'cartpole-swingup',
      '--episode-steps',
      '8',
      '--random',
      '5',
      '--seed',
      '1',
    ]);
    expect(collected.status, collected.stderr).toBe(0);
    expect(collected.stdout).toContain(`dataset      ${data}: random 5 (5 new)`);
    // The paper pools every run of a task: merge a second collection (other seed) into a third.
    const other = join(root, 'other');
    await cli([
      'collect',
      '--dataset',
      other,
      '--task',
      'cartpole-swingup',
      '--episode-steps',
      '8',
      '--random',
      '2',
      '--seed',
      '2',
    ]);
    const pooled = join(root, 'pooled');
    const merged = await cli(['aggregate', '--dataset', pooled, data, other]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`aggregated   2 into ${pooled}: 7 added, 0 already there`);
    const pooledManifest = JSON.parse(readFileSync(join(pooled, 'manifest.json'), 'utf8'));
    expect(pooledManifest.episodes).toHaveLength(7);
    const split = await cli(['split', '--dataset', data, '--test-fraction', '0.4']);
    expect(split.stdout).toContain('3 train, 2 test (random)');
    // Two designs of the study (debug sizes), then the table and heat map of both.
    const runs = ['LTLR', 'R'].map((design) => join(root, `run-${design}`));
    for (const [i, design] of ['LTLR', 'R'].entries()) {
      const trained = await cli([
        'train',
        '--design',
        design,
        '--dataset',
        data,
        '--out',
        runs[i],
        ...debug,
      ]);
      expect(trained.status, trained.stderr).toBe(0);
      expect(trained.stdout).toContain('4 updates');
    }
    const evaluated = await Promise.all(
      runs.map((run) => cli(['evaluate', '--out', run, '--episodes', '3', '--backend', 'cpu'])),
    );
    const evaluations = runs.map((run) =>
      JSON.parse(readFileSync(join(run, 'evaluation.json'), 'utf8')),
    );
    evaluated.forEach((result, i) => {
      expect(result.status, result.stderr).toBe(0);
      const evaluation = evaluations[i];
      expect(evaluation.returns.length).toBe(3);
      expect(evaluation.score.p90).toBeCloseTo(percentile(evaluation.returns, 90), 10);
      expect(result.stdout).toContain(`p90 ${evaluation.score.p90.toFixed(1)}`);
      // Windows of 2 + 3 rows every 2 rows of the 2 test episodes (9 rows): 3 each.
      expect(evaluation.rewardError.windows).toBe(6);
      expect(result.stdout).toContain('reward error median');
    });
    expect(evaluations[0].imageError.windows).toBe(6); // LTLR predicts frames
    expect(evaluations[1].imageError).toBeNull(); // R does not
    const out = join(root, 'report');
    const reported = await cli(['report', '--out', out, ...runs]);
    expect(reported.status, reported.stderr).toBe(0);
    expect(reported.stdout).toContain('| LTLR |');
    expect(readFileSync(join(out, 'table.csv'), 'utf8')).toContain(
      `score_p90,R,cartpole-swingup,${evaluations[1].score.p90},1,258.3,`,
    );
    expect(existsSync(join(out, 'heatmap-cartpole-swingup.png'))).toBe(true);
  }, 180_000);

  it('rejects bad input with a named error: exit 2 for usage, 1 naming a bad file', async () => {
    const empty = join(root, 'empty');
    const reacher = join(root, 'reacher');
    await cli([
      'collect',
      '--dataset',
      reacher,
      '--task',
      'reacher-easy',
      '--episode-steps',
      '4',
      '--random',
      '1',
    ]);
    await cli(['collect', '--dataset', empty, '--task', 'cartpole-swingup', '--random', '0']);
    const corrupt = join(root, 'corrupt');
    await cli([
      'collect',
      '--dataset',
      corrupt,
      '--task',
      'cartpole-swingup',
      '--episode-steps',
      '8',
      '--random',
      '3',
    ]);
    await cli(['split', '--dataset', corrupt, '--test-fraction', '0.34']);
    const manifest = JSON.parse(readFileSync(join(corrupt, 'manifest.json'), 'utf8'));
    const trainFile = manifest.episodes.find((e: { split: string }) => e.split === 'train').file;
    writeFileSync(join(corrupt, trainFile), 'not a zip');
    const cases: [string[], number, RegExp][] = [
      [
        ['train', '--design', 'XYZ', '--dataset', data, '--out', join(root, 'x')],
        2,
        /--design 'XYZ' is not allowed; choose one of: R, OTOR, OTLR, LTLR, LTOR/,
      ],
      [
        [
          'train',
          '--agent',
          'planet',
          '--dataset',
          join(root, 'missing'),
          '--out',
          join(root, 'x'),
        ],
        2,
        /missing: no such dataset directory/,
      ],
      [
        ['collect', '--dataset', corrupt, '--task', 'reacher-easy', '--random', '1'],
        2,
        /holds task cartpole-swingup, the writer was opened for task reacher-easy/,
      ],
      [['split', '--dataset', empty], 2, /has 0 episodes; a split needs at least 2/],
      [
        ['aggregate', '--dataset', join(root, 'mixed'), empty, reacher],
        2,
        /has task cartpole-swingup but .*reacher has task reacher-easy; only datasets of one task/,
      ],
      [
        ['train', '--agent', 'planet', '--dataset', corrupt, '--out', join(root, 'y'), ...debug],
        1,
        new RegExp(`${trainFile}: sha256 is [0-9a-f]{64}, manifest.json lists`),
      ],
      [
        ['evaluate', '--out', join(root, 'nothing')],
        2,
        /is not an offline run \(no offline.json\)/,
      ],
      [['report', '--out', join(root, 'r')], 2, /0 arguments given; allowed: evaluated run/],
      [['collect', '--dataset', data, '--task', 'cartpole-swingup'], 2, /at least one source/],
      [
        ['collect', '--dataset', data, '--task', 'cartpole-swingup', '--run', 'bad'],
        2,
        /--run 'bad' is not allowed/,
      ],
      [
        [
          'train',
          '--agent',
          'planet',
          '--dataset',
          data,
          '--out',
          join(root, 'x'),
          '--setting',
          'nope=1',
        ],
        2,
        /--setting 'nope=1' is not allowed; write FIELD=VALUE with FIELD one of updates, /,
      ],
      [
        ['nope'],
        2,
        /unknown command 'nope'; allowed: collect, aggregate, split, train, evaluate, report/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    cases.forEach(([args, status, message], i) => {
      expect(results[i].status, `${args.join(' ')}: ${results[i].stderr}`).toBe(status);
      // One error line (a training command may first say which tensor backend it loaded).
      const errors = results[i].stderr.split('\n').filter((l) => l.startsWith('vmbrl-offline:'));
      expect(errors.length, args.join(' ')).toBe(1);
      expect(errors[0]).toMatch(message);
    });
    expect(existsSync(join(root, 'x'))).toBe(false);
    expect(existsSync(join(root, 'mixed'))).toBe(false);
  }, 180_000);
});
