/**
 * The offline protocol end to end through the built command: a random-action dataset of
 * cartpole-swingup (collected and split here), a debug-scale study of 3 designs x 1 task x 1
 * seed (3 designs so the Pearson row has a value) plus the oracle and a task without a dataset
 * (both unavailable, shown as missing): plan, run, report. The report's Tables 1-2 must equal
 * the values recomputed here from each run directory's evaluation.json (p90 of its returns by
 * numpy's rule, the median reward error, their correlation across designs).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectDataset } from '@vmbrl/agents';
import { randomSplit } from '@vmbrl/replay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vmbrl-ablation-offline-'));
const dataset = join(dir, 'cartpole-swingup');
const study = join(dir, 'offline.yaml');
const runs = join(dir, 'runs');
const DESIGNS = ['R', 'OTOR', 'LTLR'];

beforeAll(async () => {
  await collectDataset({
    dataset,
    task: 'cartpole-swingup',
    actionRepeat: 4,
    episodeSteps: 12,
    seed: 3,
    sources: [{ kind: 'random', name: 'random', episodes: 6 }],
  });
  randomSplit(dataset, { seed: 0, testFraction: 0.34 });
  writeFileSync(
    study,
    `name: offline-e2e
protocol: offline
preset: debug
designs: [${DESIGNS.join(', ')}, oracle]
tasks: [cartpole-swingup, cartpole-balance]
seeds: [0]
datasets:
  cartpole-swingup: ${dataset}
offline_settings:
  updates: 3
  evalEpisodes: 3
`,
  );
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

/** numpy's default percentile (linear between the closest ranks). */
function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

function correlation(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    sxy += (xi - mx) * (y[i] - my);
    sxx += (xi - mx) ** 2;
    syy += (y[i] - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe('an offline study', () => {
  it('plans, runs and reports Tables 1-2 equal to its run directories', () => {
    const planned = cli('plan', study, '--runs', runs);
    expect(planned.status, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('cells 3: 0 done, 0 partial, 0 failed, 3 new; 5 unavailable');
    expect(planned.stdout).toMatch(
      /no dataset for cartpole-balance: add datasets.cartpole-balance/,
    );
    expect(planned.stdout).toMatch(/oracle\/cem: this design learns nothing/);

    const ran = cli('run', study, '--runs', runs, '--jobs', '1');
    expect(ran.status, ran.stderr + ran.stdout).toBe(0);
    expect(ran.stdout).toContain('3 run now');

    const reported = cli('report', study, '--runs', runs);
    expect(reported.status, reported.stderr).toBe(0);
    expect(reported.stdout).toContain('cells  3/8 with results, 5 missing');

    // Our values, recomputed from each cell's evaluation.json.
    const evaluations = new Map<string, { score: number; error: number }>();
    for (const name of readdirSync(runs).filter((n) => /^c[0-9a-f]{16}$/.test(n))) {
      const evaluation = JSON.parse(readFileSync(join(runs, name, 'evaluation.json'), 'utf8'));
      expect(evaluation.returns).toHaveLength(3);
      evaluations.set(evaluation.design, {
        score: percentile(evaluation.returns, 90),
        error: evaluation.rewardError.median,
      });
    }
    expect([...evaluations.keys()].sort()).toEqual([...DESIGNS].sort());

    const csv = readFileSync(join(runs, 'report', 'offline-tables.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    const value = (table: string, design: string, task: string) =>
      csv.find((r) => r[0] === table && r[1] === design && r[2] === task);
    for (const [design, ours] of evaluations) {
      const score = value('score_p90', design, 'cartpole-swingup');
      expect(Number(score?.[3])).toBeCloseTo(ours.score, 6);
      const error = value('reward_error_median', design, 'cartpole-swingup');
      expect(Number(error?.[3])).toBeCloseTo(ours.error, 6);
    }
    const rho = correlation(
      DESIGNS.map((d) => evaluations.get(d)?.error as number),
      DESIGNS.map((d) => evaluations.get(d)?.score as number),
    );
    const pearson = value('pearson_LR_S', 'all', 'cartpole-swingup');
    expect(Number(pearson?.[3])).toBeCloseTo(rho, 6);
    expect(Number(pearson?.[6])).toBeCloseTo(rho - -0.53, 6);
    // The paper's numbers beside ours, with the difference.
    const r = value('score_p90', 'R', 'cartpole-swingup');
    expect(Number(r?.[5])).toBe(258.3);
    expect(Number(r?.[6])).toBeCloseTo((evaluations.get('R')?.score as number) - 258.3, 6);
    // The task without a dataset and the oracle are shown, as missing.
    const md = readFileSync(join(runs, 'report', 'offline-tables.md'), 'utf8');
    expect(md).toMatch(/\| R \| [^|]+ \| missing \/ 415\.2 \/ – \|/);
    expect(value('score_p90', 'oracle', 'cartpole-swingup')?.[3]).toBe('');
    const html = readFileSync(join(runs, 'report', 'report.html'), 'utf8');
    expect(html).toContain('Missing cells (5 of 8)');
    expect(html).toContain('Table 1: score');
  }, 90_000);
});
