import { spawn } from 'node:child_process';
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

/** Runs the CLI once per argument list, all at once. */
function cliAll(cases: string[][]): Promise<NodeResult[]> {
  return Promise.all(cases.map(cli));
}

describe('vmbrl-online', () => {
  it('--help and -h of every command print its usage and flags, exit code 0', async () => {
    const cases: [string[], string][] = [
      [['--help'], 'config fields of --agent planet'],
      [['-h'], 'usage: vmbrl-online [--agent'],
      [['--agent=alm', '--help'], 'learner.horizon'],
      [['presets', '--help'], 'usage: vmbrl-online presets'],
      [['compare', '-h'], '--random-reference'],
      [['evaluate', '--help'], '--policy'],
      [['selfcheck', '--help'], '--steps'],
      [['doctor', '-h'], 'usage: vmbrl-online doctor RUN_DIR [--repair]'],
    ];
    const results = await cliAll([...cases.map(([args]) => args), []]);
    cases.forEach(([args, text], i) => {
      expect(results[i].status, args.join(' ')).toBe(0);
      expect(results[i].stdout).toContain(text);
    });
    // Without arguments the usage goes out too, but as a usage error.
    expect(results[cases.length].status).toBe(2);
  });

  it('presets lists every field of an agent per preset, from its one table', async () => {
    const result = await cli(['presets', '--agent', 'dreamer']);
    expect(result.status, result.stderr).toBe(0);
    const row = (field: string) =>
      result.stdout.split('\n').find((line) => line.startsWith(`${field} `)) ?? '';
    // paper, quick and debug values of Dreamer's horizon and the world model's GRU size.
    expect(row('dreamer.horizon').split(/\s+/).slice(0, 4)).toEqual([
      'dreamer.horizon',
      '20',
      '10',
      '3',
    ]);
    expect(row('model.deterSize').split(/\s+/).slice(0, 4)).toEqual([
      'model.deterSize',
      '200',
      '128',
      '16',
    ]);
    // On the default task, cartpole-swingup, Dreamer's quick acts every 4 control steps.
    expect(row('actionRepeat').split(/\s+/).slice(0, 4)).toEqual(['actionRepeat', '2', '4', '2']);
    expect(row('dreamer.horizon')).toContain('imagination horizon H');
  });

  it('a bad flag or value prints one line naming it and the allowed values, exit code 2', async () => {
    const cases: [string[], string][] = [
      [
        ['--agent', 'muzero'],
        "--agent 'muzero' is not allowed; choose one of: planet, dreamer, cem-oracle, alm, alm-model-free",
      ],
      [
        ['--agent', 'dreamer', '--value-estimate', 'td'],
        "--value-estimate 'td' is not allowed; choose one of: lambda, reward, n-step",
      ],
      [
        ['--horizon', '5'],
        '--horizon is a flag of --agent dreamer|alm|alm-model-free, not of planet',
      ],
      [
        ['--agent', 'dreamer', '--horizon', '1'],
        'dreamer.horizon = 1 is invalid; allowed: an integer >= 2',
      ],
      [['--preset', 'fast'], "--preset 'fast' is not allowed; choose one of: paper, quick, debug"],
      [['--task', 'pong'], "--task 'pong' is not allowed; choose one of: cartpole-balance"],
      [['--seed', '-1'], '--seed -1 is out of range'],
      [['--minute', '3'], 'unknown flag --minute; allowed: --agent, --task'],
      [
        ['train'],
        "unknown command 'train'; allowed: presets, compare, evaluate, doctor, export, selfcheck",
      ],
      [['--out', ''], '--out "" is not allowed; give a run directory'],
      [['--threads', '0'], "--threads '0' is not an integer from 1 to 8 or 'auto'"],
      [['--threads', 'two'], "--threads 'two' is not an integer from 1 to 8"],
      [['doctor'], '0 arguments given; allowed: RUN_DIR (1)'],
    ];
    const results = await cliAll(cases.map(([args]) => args));
    cases.forEach(([args, message], i) => {
      expect(results[i].status, args.join(' ')).toBe(2);
      const lines = results[i].stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(message);
    });
  });

  it('--agent dreamer runs with the ablation flags in its config', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmbrl-online-'));
    dirs.push(out);
    const flags = ['--agent', 'dreamer', '--preset', 'debug', '--backend', 'cpu'];
    const ablation = ['--value-estimate', 'reward', '--horizon', '2'];
    const result = await cli([...flags, ...ablation, '--max-episodes', '3', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('episodes     3 (60 env steps, 2 updates)');
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ agent: 'dreamer', actionRepeat: 2 });
    expect(config.dreamer).toMatchObject({ valueEstimate: 'reward', horizon: 2 });
  });

  it('Ctrl-C stops at a checkpoint; the same command resumes and prints the report path', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmbrl-online-'));
    dirs.push(out);
    const args = [
      CLI,
      '--preset',
      'debug',
      '--backend',
      'cpu',
      '--max-episodes',
      '6',
      '--out',
      out,
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const state = join(out, 'checkpoint', 'state.json');
    while (!existsSync(state) || JSON.parse(readFileSync(state, 'utf8')).episodes < 3) {
      if (child.exitCode !== null) throw new Error(`the run ended early: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130); // 128 + SIGINT, after the clean checkpoint
    expect(stderr).toContain('SIGINT: stopping at the last checkpoint');
    expect(stdout).toContain('resume       run the same command again');
    expect(existsSync(join(out, 'run.lock'))).toBe(false);
    const interrupted = JSON.parse(readFileSync(state, 'utf8')).episodes;
    expect(interrupted).toBeLessThan(6);

    // SIGTERM (a scheduler's stop): the same, exit code 143.
    const term = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const termExited = new Promise<number | null>((done) => term.on('exit', (code) => done(code)));
    while (JSON.parse(readFileSync(state, 'utf8')).episodes <= interrupted) {
      if (term.exitCode !== null) throw new Error('the resumed run ended early');
      await new Promise((r) => setTimeout(r, 20));
    }
    term.kill('SIGTERM');
    expect(await termExited).toBe(143);
    const stopped = JSON.parse(readFileSync(state, 'utf8')).episodes;
    expect(stopped).toBeGreaterThan(interrupted);
    expect(stopped).toBeLessThan(6);

    const again = await cli(args.slice(1));
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain(`resuming ${out}: episode ${stopped}`);
    expect(again.stdout).toContain('episodes     6 (');
    expect(again.stdout).toContain(`report       ${join(out, 'report.html')}`);
    expect(existsSync(join(out, 'report.html'))).toBe(true);

    const other = await cli([...args.slice(1), '--seed', '4']);
    expect(other.status).toBe(2);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toContain('holds a run with a different config (seed: 0 -> 4)');
  });

  it('a disk short of space stops the run before it writes: one line, exit code 1', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmbrl-online-'));
    dirs.push(out);
    const args = ['--preset', 'debug', '--backend', 'cpu', '--max-episodes', '2', '--out', out];
    // 100 MB "free": below the 256 MB floor of the guard (packages/agents/src/loop/disk-space.ts).
    const result = await runNode(CLI, args, { VMBRL_TEST_FREE_BYTES: String(100 * 2 ** 20) });
    expect(result.status).toBe(1);
    const last = result.stderr.trim().split('\n').at(-1);
    expect(last).toBe(
      `vmbrl-online: ${out}: only 100.0 MB free on its filesystem, below the 256.0 MB a run needs to write (max of 256 MB and 4 x the last checkpoint's 0.0 MB); stopped before writing, the last checkpoint stands: free some space and run the same command to resume`,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(out, 'checkpoint'))).toBe(false);
    expect(existsSync(join(out, 'run.lock'))).toBe(false);
  });
});
