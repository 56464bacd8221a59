import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type NodeResult, runNode } from '@vmbrl/core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// The built CLI (turbo builds the app before its tests).
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<NodeResult> {
  return runNode(CLI, args);
}

describe('vmbrl-online --agent alm (the same command and loop as every agent)', () => {
  it('runs a debug ALM run with the ablation flags in its config', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmbrl-online-alm-'));
    dirs.push(out);
    const flags = ['--agent', 'alm', '--task', 'hopper', '--preset', 'debug', '--backend', 'cpu'];
    const ablation = ['--no-kl', '--no-classifier-reward', '--horizon', '5'];
    ablation.push('--set', 'batchSize=6', '--set=evalEpisodes=2');
    const result = await cli([...flags, ...ablation, '--max-env-steps=60', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    // 40 random warm-up steps, then one update after each of the remaining 20.
    expect(result.stdout).toContain('60 env steps, 20 updates');
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ agent: 'alm', preset: 'debug', task: 'hopper', batchSize: 6 });
    expect(config.learner).toMatchObject({
      klTerm: false,
      valueTerm: true,
      classifierReward: false,
      horizon: 5,
      modelFree: false,
    });
    expect(config.evalEpisodes).toBe(2);
    // evaluate reads any agent's run: the ALM checkpoint plays a noiseless episode.
    const json = join(`${out}-evaluation`, 'summary.json');
    dirs.push(`${out}-evaluation`);
    const evaluate = ['evaluate', '--out', out, '--episodes', '1', '--backend', 'cpu'];
    const evaluated = await cli([...evaluate, '--json', json]);
    expect(evaluated.status, evaluated.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(json, 'utf8'));
    expect(summary).toMatchObject({ task: 'hopper', actionRepeat: 1 });
    expect(summary.checkpoint).toMatchObject({ envSteps: 60, updates: 20 });
  });

  it('bad flags print one line naming them, exit code 2, before anything is written', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vmbrl-online-bad-')), 'run');
    const cases: [string[], string][] = [
      [
        ['--agent', 'alm', '--horizon', '0'],
        '--horizon 0 is out of range; allowed: an integer >= 1',
      ],
      [
        ['--agent', 'alm-model-free', '--no-kl'],
        '--no-kl is a flag of --agent alm, not of alm-model-free',
      ],
      [
        ['--agent', 'alm', '--candidates', '5'],
        '--candidates is a flag of --agent planet|cem-oracle',
      ],
      [['--agent', 'alm', '--set', 'learner.bs=5'], "'learner' has no field 'bs'; allowed: gamma"],
      [
        ['--agent', 'alm', '--set', 'batchSize=0'],
        'run config: batchSize = 0 is invalid; allowed: an integer >= 1',
      ],
      [
        ['--set', 'model.bitDepth=9'],
        'world-models config: bitDepth = 9 is invalid; allowed: an integer in 1..8',
      ],
    ];
    for (const [args, message] of cases) {
      const result = await cli([...args, '--out', out]);
      expect(result.status, args.join(' ')).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(message);
      expect(existsSync(out), args.join(' ')).toBe(false);
    }
  });
});

describe('vmbrl-online --threads', () => {
  it('trains on 2 wasm threads with the same numbers as on 1', async () => {
    const runs = await Promise.all(
      ['1', '2'].map(async (threads) => {
        const out = mkdtempSync(join(tmpdir(), `vmbrl-online-threads${threads}-`));
        dirs.push(out);
        const result = await cli([
          ...['--agent', 'planet', '--preset', 'debug', '--backend', 'wasm'],
          ...['--threads', threads, '--max-episodes', '3', '--out', out],
        ]);
        expect(result.status, result.stderr).toBe(0);
        return { stderr: result.stderr, metrics: readFileSync(join(out, 'metrics.jsonl'), 'utf8') };
      }),
    );
    expect(runs[0].stderr).toContain('threads 1)');
    expect(runs[1].stderr).toContain('threads 2 on worker_threads');
    // Losses and returns, not wall-clock fields: the threaded kernels split work, not sums.
    const numbers = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((line) =>
          Object.entries(JSON.parse(line) as Record<string, unknown>).filter(
            ([key]) => !/second|time|wall/i.test(key),
          ),
        );
    const [one, two] = runs.map((run) => numbers(run.metrics));
    const trainRows = one.filter((row) => row.some(([k, v]) => k === 'kind' && v === 'train'));
    expect(trainRows.length).toBeGreaterThan(0);
    expect(two).toEqual(one);
  });
});
