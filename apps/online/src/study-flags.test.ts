import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The built CLI (turbo builds the app before its tests).
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking the test worker (runs take a while on a loaded machine). */
function cli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) =>
      resolve({ status: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

describe('vmbrl-online --agent study --design D', () => {
  it('runs a debug R_conv run whose config names the design and the variant', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmbrl-online-study-'));
    dirs.push(out);
    const args = ['--agent', 'study', '--design', 'R', '--preset', 'debug', '--backend', 'cpu'];
    const result = await cli([...args, '--set', 'model.variant=R_conv', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    // debug: 4 episodes of 10 agent steps at the study's action repeat 4, 2 updates after each
    // of the 2 that follow the 2 seed episodes.
    expect(result.stdout).toMatch(/episodes\s+4 \(160 env steps, 4 updates\)/);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ agent: 'study', design: 'R', actionRepeat: 4 });
    expect(config.model.variant).toBe('R_conv');
    expect(existsSync(join(out, 'plots', 'open-loop-reward.svg'))).toBe(true);
    expect(existsSync(join(out, 'videos', 'open-loop.gif'))).toBe(false); // R predicts no frames
  });

  it('presets and --help show the fields of the design asked for', async () => {
    const [table, help] = await Promise.all([
      cli(['presets', '--agent', 'study', '--design', 'OTOR']),
      cli(['--help', '--agent', 'study', '--design', 'R']),
    ]);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/model\.lstmWidths\s+\[32,32,64,64,128,64,32\]/);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('model.variant');
    expect(help.stdout).toContain('--design');
  });

  it('bad design flags print one line naming them, exit code 2', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vmbrl-online-bad-')), 'run');
    const cases: [string[], string][] = [
      [
        ['--agent', 'planet', '--design', 'R'],
        '--design is a flag of --agent study, not of planet',
      ],
      [['--agent', 'study', '--design', 'MuZero'], "--design 'MuZero' is"],
      [
        ['--agent', 'study', '--design', 'OTOR', '--set', 'model.variant=R_conv'],
        "'model' has no field 'variant'",
      ],
      [['presets', '--agent', 'planet', '--design', 'R'], '--design is a flag of --agent study'],
    ];
    const results = await Promise.all(
      cases.map(([args]) => cli(args[0] === 'presets' ? args : [...args, '--out', out])),
    );
    for (const [i, [args, message]] of cases.entries()) {
      const result = results[i] as CliResult;
      expect(result.status, args.join(' ')).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(message);
      expect(existsSync(out), args.join(' ')).toBe(false);
    }
  });
});
