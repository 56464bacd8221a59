import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlmCommand } from './train-alm.js';

// The built CLI (turbo builds the app before its tests).
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

describe('vmbrl-online --agent alm', () => {
  it('recognises the ALM agents in both flag spellings', () => {
    expect(isAlmCommand(['--agent', 'alm'])).toBe(true);
    expect(isAlmCommand(['--task', 'hopper', '--agent=alm-model-free'])).toBe(true);
    expect(isAlmCommand(['--agent', 'planet', '--task', 'alm'])).toBe(false);
  });

  it('runs a debug ALM run with the ablation flags in its config', () => {
    const out = mkdtempSync(join(tmpdir(), 'vmbrl-online-alm-'));
    dirs.push(out);
    const flags = ['--agent', 'alm', '--task', 'hopper', '--preset', 'debug', '--backend', 'cpu'];
    const ablation = ['--no-kl', '--no-classifier-reward', '--horizon', '5'];
    ablation.push('--set', 'learner.batchSize=6', '--set', 'evalEpisodes=2');
    const result = cli([...flags, ...ablation, '--max-env-steps', '60', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('60 env steps, 20 updates');
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ agent: 'alm', preset: 'debug', task: 'hopper' });
    expect(config.learner).toMatchObject({
      klTerm: false,
      valueTerm: true,
      classifierReward: false,
      horizon: 5,
      modelFree: false,
      batchSize: 6,
    });
    expect(config.evalEpisodes).toBe(2);
  });

  it('bad ALM flags print one line naming them, exit code 2', () => {
    const cases: [string[], string][] = [
      [
        ['--agent', 'alm', '--horizon', '4'],
        "--horizon '4' is not allowed; choose one of: 1, 3, 5",
      ],
      [['--agent', 'alm-model-free', '--no-kl'], 'ablations of --agent alm'],
      [['--agent', 'alm', '--candidates', '5'], 'unknown flag --candidates'],
      [['--agent', 'alm', '--set', 'learner.bs=5'], "'learner' has no field 'bs'; allowed: gamma"],
      [
        ['--agent', 'alm', '--set', 'learner.batchSize=0'],
        'ALM config: batchSize = 0 is invalid; allowed: an integer >= 1',
      ],
    ];
    for (const [args, message] of cases) {
      const result = cli(args);
      expect(result.status, args.join(' ')).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(message);
    }
  });
});
