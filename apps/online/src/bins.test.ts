/**
 * The executables as a user reaches them after `pnpm install` at the repository root: through
 * the shims in node_modules/.bin (what `pnpm exec vmbrl-online` runs), each with --version, -h
 * and --help on the tool and its commands, and --flag=value.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin');

function version(packageDir: string): string {
  return JSON.parse(readFileSync(join(ROOT, packageDir, 'package.json'), 'utf8')).version;
}

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a shim of node_modules/.bin with `args`. */
function run(bin: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(join(BIN, bin), args, { cwd: ROOT }, (error, stdout, stderr) =>
      resolve({ status: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

describe('the executables on PATH after install', () => {
  it('--version prints the version of the package that ships each of them, exit 0', async () => {
    const cases: [string, string[], string][] = [
      ['vmbrl-online', ['--version'], `vmbrl-online ${version('apps/online')} (@vmbrl/online`],
      ['vmbrl-online', ['compare', '--version'], 'vmbrl-online '],
      ['vmbrl-envs', ['--version'], `vmbrl-envs ${version('packages/envs')} (@vmbrl/envs`],
      [
        'vmbrl-dataset',
        ['--version'],
        `vmbrl-dataset ${version('packages/replay')} (@vmbrl/replay`,
      ],
    ];
    const results = await Promise.all(cases.map(([bin, args]) => run(bin, args)));
    cases.forEach(([bin, args, text], i) => {
      expect(results[i]?.status, `${bin} ${args.join(' ')}: ${results[i]?.stderr}`).toBe(0);
      expect(results[i]?.stdout.startsWith(text)).toBe(true);
    });
  });

  it('-h and --help on each tool and command, exit 0', async () => {
    const cases: [string, string[], string][] = [
      ['vmbrl-online', ['-h'], 'one of: cartpole-balance, cartpole-swingup'],
      ['vmbrl-online', ['evaluate', '-h'], 'one of: agent, agent-noise, random'],
      ['vmbrl-online', ['export', '-h'], 'usage: vmbrl-online export'],
      ['vmbrl-envs', ['-h'], 'tasks: cartpole-balance, cartpole-swingup'],
      ['vmbrl-envs', ['random', '-h'], '--repeat'],
      ['vmbrl-dataset', ['-h'], 'usage: vmbrl-dataset <command>'],
      ['vmbrl-dataset', ['stats', '-h'], 'usage: vmbrl-dataset stats'],
      ['vmbrl-dataset', ['split', '--help'], 'usage: vmbrl-dataset split'],
    ];
    const results = await Promise.all(cases.map(([bin, args]) => run(bin, args)));
    cases.forEach(([bin, args, text], i) => {
      expect(results[i]?.status, `${bin} ${args.join(' ')}: ${results[i]?.stderr}`).toBe(0);
      expect(results[i]?.stdout).toContain(text);
    });
  });

  it('--flag=value is read like --flag value in every tool', async () => {
    const [online, envs, dataset] = await Promise.all([
      run('vmbrl-online', ['presets', '--agent=dreamer', '--task=walker-walk']),
      run('vmbrl-envs', ['random', '--task=cartpole-swingup', '--repeat=8', '--size=8']),
      run('vmbrl-dataset', ['split', '--test-fraction=2', '/nonexistent']),
    ]);
    expect(online.status, online.stderr).toBe(0);
    expect(online.stdout).toContain('dreamer: ');
    expect(online.stdout).toContain('(values for task walker-walk)');
    expect(envs.status, envs.stderr).toBe(0);
    // 1000 control steps at action repeat 8: 125 agent steps.
    expect(envs.stdout).toMatch(/^cartpole-swingup seed 0: return [\d.]+ over 125 steps/);
    // The value after '=' reached the flag's check (and was refused as out of range).
    expect(dataset.status).toBe(2);
    expect(dataset.stderr).toContain('--test-fraction = 2 is invalid');
  });
});
