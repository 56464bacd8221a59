/**
 * The command line on bad input, through the built command: each a one-line named error with
 * exit 2 (usage) or 1 (a missing file), and nothing run or written.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vmbrl-ablation-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

const GOOD = `name: cli
preset: debug
designs: [LTLR]
tasks: [cartpole-swingup]
seeds: [0]
settings:
  maxEpisodes: 3
`;

function studyFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('vmbrl-ablation', () => {
  it('prints help (exit 0) and refuses unknown commands and flags (exit 2)', () => {
    expect(cli('--help').status).toBe(0);
    expect(cli('run', '--help').stdout).toMatch(/--jobs/);
    const unknown = cli('train');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(
      /^vmbrl-ablation: unknown command 'train'; allowed: plan, run, report, worker, status/,
    );
    const flag = cli('run', studyFile('good.yaml', GOOD), '--jobz', '2');
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/unknown flag --jobz/);
  });

  it('names the line and key of a bad study file, exit 2, and runs nothing', () => {
    const runs = join(dir, 'runs-bad');
    const cases: [string, RegExp][] = [
      [GOOD.replace('[LTLR]', '[LTLR, XL]'), /bad.yaml:3: designs\[1\]: unknown design 'XL'/],
      [
        GOOD.replace('[cartpole-swingup]', '[cartpole-swing]'),
        /bad.yaml:4: tasks\[0\]: unknown task 'cartpole-swing'/,
      ],
      [GOOD.replace('[0]', '[zero]'), /bad.yaml:5: seeds\[0\]: "zero" is not a number/],
      [
        GOOD.replace('maxEpisodes: 3', 'planner.horizn: 3'),
        /bad.yaml:7: settings.planner.horizn: 'planner' has no field 'horizn'; allowed: horizon/,
      ],
    ];
    for (const [text, pattern] of cases) {
      const result = cli('run', studyFile('bad.yaml', text), '--runs', runs);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(pattern);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(runs)).toBe(false);
    const missing = cli('plan', join(dir, 'nope.yaml'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/nope.yaml: no such study file/);
  });

  it('refuses a run directory produced by another config (exit 2) and overwrites nothing', () => {
    const study = studyFile('foreign.yaml', GOOD);
    const runs = join(dir, 'runs-foreign');
    const id = /\b(c[0-9a-f]{16})\b/.exec(cli('plan', study, '--runs', runs).stdout)?.[1] as string;
    mkdirSync(join(runs, id), { recursive: true });
    const foreign = `${JSON.stringify({ id, config: { protocol: 'online', run: { seed: 7 } } })}\n`;
    writeFileSync(join(runs, id, 'cell.json'), foreign);
    const result = cli('run', study, '--runs', runs);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${id}/cell.json describes another config`));
    expect(readFileSync(join(runs, id, 'cell.json'), 'utf8')).toBe(foreign);
    expect(readdirSync(join(runs, id))).toEqual(['cell.json']);
  });

  it('needs a valid queue URL for worker and status (exit 2)', () => {
    const noQueue = cli('worker', '--runs', dir);
    expect(noQueue.status).toBe(2);
    expect(noQueue.stderr).toMatch(/--queue URL is required/);
    const badUrl = cli('worker', '--queue', 'http://:secret@localhost:1', '--runs', dir);
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).not.toMatch(/secret/);
  });
});
