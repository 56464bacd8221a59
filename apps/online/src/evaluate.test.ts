import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type NodeResult, runNode } from '@vmbrl/core/testing';
import { makeWrappedEnv } from '@vmbrl/envs';
import { Rng, splitSeed } from '@vmbrl/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built CLI (turbo builds the app before its tests).
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}-evaluations`, { recursive: true, force: true });
  }
});

function cli(args: string[]): Promise<NodeResult> {
  return runNode(CLI, args);
}

/** Every file of a directory tree with its size and modification time. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const stat = statSync(join(dir, name));
    if (stat.isFile()) out[name] = `${stat.size}/${stat.mtimeMs}`;
  }
  return out;
}

describe('vmbrl-online evaluate', () => {
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'vmbrl-evaluate-'));
    dirs.push(out);
    const trained = await cli(['--preset', 'debug', '--backend', 'cpu', '--out', out]);
    expect(trained.status, trained.stderr).toBe(0);
  }, 120_000);

  it('the checkpoint plays noiseless episodes: repeatable, summary written, the run untouched', async () => {
    const before = snapshot(out);
    const json = (name: string) => join(`${out}-evaluations`, name);
    const first = await cli([
      'evaluate',
      '--out',
      out,
      '--episodes',
      '2',
      '--json',
      json('a.json'),
    ]);
    expect(first.status, first.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(json('a.json'), 'utf8'));
    expect(summary.returns).toHaveLength(2);
    expect(summary.mean).toBeCloseTo((summary.returns[0] + summary.returns[1]) / 2, 10);
    expect(summary.checkpoint).toEqual({ episodes: 4, envSteps: 320, updates: 4 });
    expect(first.stdout).toContain('checkpoint after 4 episodes (320 env steps, 4 updates)');
    expect(first.stdout).toContain(`written      ${json('a.json')}`);
    expect(snapshot(out)).toEqual(before); // strictly read-only (issue 15)
    // The checkpoint's planner and noise streams are restored each time: the same returns.
    const second = await cli([
      'evaluate',
      '--out',
      out,
      '--episodes',
      '2',
      '--json',
      json('b.json'),
    ]);
    expect(second.status, second.stderr).toBe(0);
    const again = JSON.parse(readFileSync(json('b.json'), 'utf8'));
    expect(again.returns).toEqual(summary.returns);
    // With the training noise the same episodes play out differently.
    const noisy = await cli([
      'evaluate',
      '--out',
      out,
      '--episodes',
      '2',
      '--policy',
      'agent-noise',
      '--json',
      json('c.json'),
    ]);
    expect(noisy.status, noisy.stderr).toBe(0);
    expect(noisy.stdout).toContain('4 updates), with exploration noise');
    const explored = JSON.parse(readFileSync(json('c.json'), 'utf8'));
    expect(explored.returns).toHaveLength(2);
    expect(explored.returns).not.toEqual(summary.returns);
  }, 120_000);

  it('--policy random: uniform actions at the run action repeat, recomputed on the env directly', async () => {
    const json = join(`${out}-evaluations`, 'random.json');
    const args = ['evaluate', '--out', out, '--episodes', '2', '--policy', 'random'];
    const result = await cli([...args, '--json', json]);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(json, 'utf8'));
    // The debug run: cartpole-swingup, seed 0, action repeat 8, 10 agent steps per episode.
    const env = await makeWrappedEnv({
      task: 'cartpole-swingup',
      seed: 0,
      actionRepeat: 8,
      timeLimit: 10,
    });
    const rng = new Rng(splitSeed(0, 'final-eval-actions'));
    const expected: number[] = [];
    for (let k = 0; k < 2; k++) {
      let ts = env.reset(splitSeed(0, `final-eval/${k}`));
      let total = 0;
      while (!ts.last) {
        ts = env.step([rng.uniform(-1, 1)]);
        total += ts.reward;
      }
      expected.push(total);
    }
    env.close();
    expect(summary.returns[0]).toBeCloseTo(expected[0] as number, 6);
    expect(summary.returns[1]).toBeCloseTo(expected[1] as number, 6);
    expect(summary.checkpoint).toBeNull();
    expect(result.stdout).toContain('uniform random actions, action repeat 8');
  }, 120_000);

  it('bad input: one line naming what is wrong', async () => {
    const missing = join(out, 'nope');
    const noRun = await cli(['evaluate', '--out', missing]);
    expect(noRun.status).toBe(1);
    expect(noRun.stderr.trim()).toBe(
      `vmbrl-online: ${missing} holds no run: ${join(missing, 'config.json')} is missing`,
    );
    const zero = await cli(['evaluate', '--out', out, '--episodes', '0']);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toContain('--episodes 0 is out of range');
    const inside = await cli(['evaluate', '--out', out, '--json', join(out, 'summary.json')]);
    expect(inside.status).toBe(1);
    expect(inside.stderr.trim()).toBe(
      `vmbrl-online: the summary ${join(out, 'summary.json')} would be written inside the run directory ${out}, which evaluate only reads; choose a path outside it`,
    );
    const noOut = await cli(['evaluate']);
    expect(noOut.status).toBe(2);
    expect(noOut.stderr.trim()).toBe(
      'vmbrl-online: evaluate needs --out RUN_DIR (the run directory to evaluate)',
    );
  });
});
