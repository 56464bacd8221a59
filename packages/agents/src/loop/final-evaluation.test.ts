import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MetricsRow, readMetrics } from '@vmbrl/metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunConfig, runOnline } from '../registry.js';
import { finalEvaluationDue } from './final-evaluation.js';
import { readLoopState } from './run-dir.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-final-eval-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const rowsOf = (out: string): MetricsRow[] => readMetrics(join(out, 'metrics.jsonl')).rows;
const evalSteps = (out: string) => rowsOf(out).flatMap((r) => (r.kind === 'eval' ? [r.step] : []));

describe('finalEvaluationDue', () => {
  const config = { evalEvery: 2, evalEveryEnvSteps: 0 };
  const state = { episodes: 3, envSteps: 240 };
  it('is due when the last evaluation is of earlier weights, or there is none', () => {
    expect(finalEvaluationDue(config, state, [{ step: 160, kind: 'eval' }])).toBe(true);
    expect(finalEvaluationDue(config, state, [{ step: 240, kind: 'episode' }])).toBe(true);
  });
  it('is not due after an evaluation at the final step, without episodes, or when off', () => {
    const rows: MetricsRow[] = [
      { step: 240, kind: 'eval' },
      { step: 240, kind: 'train' },
    ];
    expect(finalEvaluationDue(config, state, rows)).toBe(false);
    expect(finalEvaluationDue(config, { episodes: 0, envSteps: 0 }, [])).toBe(false);
    expect(finalEvaluationDue({ evalEvery: 0, evalEveryEnvSteps: 0 }, state, [])).toBe(false);
  });
});

describe('a run that ends by its budget', () => {
  // PlaNet debug on real MuJoCo: 10 agent steps x R=8 per episode, evaluations after episodes 2
  // and 4 by schedule; a 3-episode budget ends between them.
  const three = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 5, { maxEpisodes: 3 });

  it('ends with an evaluation of its final weights, which a resume does not repeat', async () => {
    const out = tempDir();
    const logs: string[] = [];
    const first = await runOnline({
      config: three,
      out,
      backend: 'cpu',
      log: (line) => logs.push(line),
    });
    expect(first.stoppedBy).toBe('budget');
    expect(first.state).toMatchObject({ episodes: 3, envSteps: 240, evaluations: 2 });
    const rows = rowsOf(out);
    const last = rows.at(-1) as MetricsRow;
    expect(last).toMatchObject({ kind: 'eval', step: 240, episode: 3, episodes: 1, final: true });
    expect(evalSteps(out)).toEqual([160, 240]);
    expect(logs.some((l) => l.startsWith('final evaluation of the trained weights'))).toBe(true);
    // The checkpoint holds it: its counters and last return are the final evaluation's.
    const saved = readLoopState(join(out, 'checkpoint'));
    expect(saved.evaluations).toBe(2);
    expect(saved.lastEvalReturn).toBe(last.return);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('vmbrl-chart-data');

    const again = await runOnline({ config: three, out, backend: 'cpu' });
    expect(again).toMatchObject({ stoppedBy: 'budget', resumed: true });
    expect(again.state.evaluations).toBe(2);
    expect(rowsOf(out)).toEqual(rows);

    // A larger budget continues the schedule: the evaluation after episode 4 is a regular one.
    const four = { ...three, maxEpisodes: 4 };
    const longer = await runOnline({ config: four, out, backend: 'cpu' });
    expect(longer.state).toMatchObject({ episodes: 4, envSteps: 320, evaluations: 3 });
    expect(evalSteps(out)).toEqual([160, 240, 320]);
  });

  it('gets no extra evaluation when the schedule already evaluated the final weights', async () => {
    const out = tempDir();
    const four = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 5, { maxEpisodes: 4 });
    const result = await runOnline({ config: four, out, backend: 'cpu' });
    expect(result.state.evaluations).toBe(2);
    expect(evalSteps(out)).toEqual([160, 320]);
  });
});
