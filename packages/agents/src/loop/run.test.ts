import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMetrics } from '@vmbrl/metrics';
import { readEpisode } from '@vmbrl/replay';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunConfig, runOnline } from '../registry.js';
import { readLoopState } from './run-dir.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-agents-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('runOnline with the debug preset', () => {
  it('completes and writes every artefact of the run directory', async () => {
    const out = tempDir();
    const config = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 0);
    const result = await runOnline({ config, out, backend: 'cpu' });
    // debug: S=2 seed episodes, 4 episodes of 10 agent steps with R=8, C=2, eval every 2.
    expect(result.stoppedBy).toBe('budget');
    expect(result.state).toMatchObject({ episodes: 4, envSteps: 4 * 10 * 8, updates: 2 * 2 });
    expect(result.state.evaluations).toBe(2);

    const saved = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(saved).toMatchObject({ ...config, backend: 'cpu' });

    const { rows } = readMetrics(join(out, 'metrics.jsonl'));
    const kinds = (kind: string) => rows.filter((r) => r.kind === kind);
    expect(kinds('episode').map((r) => r.step)).toEqual([80, 160, 240, 320]);
    expect(kinds('episode').map((r) => r.random)).toEqual([true, true, false, false]);
    expect(kinds('train').map((r) => [r.step, r.updates])).toEqual([
      [240, 2],
      [320, 4],
    ]);
    for (const row of kinds('train')) {
      // The total is the weighted sum of its terms (world-models loss: image + 10 reward + kl).
      const total = (row.image as number) + 10 * (row.reward as number) + (row.kl as number);
      expect(row.loss as number).toBeCloseTo(total, 2);
    }
    expect(kinds('eval').map((r) => r.step)).toEqual([160, 320]);

    const episodes = readdirSync(join(out, 'episodes')).sort();
    expect(episodes).toEqual(['000000-11.npz', '000001-11.npz', '000002-11.npz', '000003-11.npz']);
    const third = readEpisode(join(out, 'episodes', episodes[2] as string));
    const logged = kinds('episode')[2]?.return as number;
    expect(third.reward.reduce((a, b) => a + b, 0)).toBeCloseTo(logged, 4);
    expect(Array.from(third.action.subarray(0, 1))).toEqual([0]);

    for (const file of [
      'checkpoint/state.json',
      'checkpoint/agent/agent.json',
      'checkpoint/agent/model/manifest.json',
      'plots/eval-return.svg',
      'plots/eval-return.png',
      'plots/losses.svg',
      'plots/losses.png',
      'videos/eval-episode.gif',
      'videos/open-loop.gif',
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const gif = readFileSync(join(out, 'videos/eval-episode.gif'));
    expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    // Each of the 2 evaluations keeps its videos; the latest are copies of the second's.
    const kept = readdirSync(join(out, 'videos', 'evaluations')).sort();
    expect(kept).toEqual([
      '0000-eval-episode.gif',
      '0000-open-loop.gif',
      '0001-eval-episode.gif',
      '0001-open-loop.gif',
    ]);
    expect(readFileSync(join(out, 'videos/evaluations/0001-eval-episode.gif'))).toEqual(gif);
    const html = readFileSync(result.reportPath, 'utf8');
    expect(html).toContain('id="vmbrl-chart-data"');
    expect(html).not.toContain('http-equiv="refresh"'); // the run is over: no live reload
    expect(html.match(/data:image\/gif;base64/g)?.length).toBe(2);
    expect(html).toContain('src="videos/evaluations/0000-eval-episode.gif"');
    // The logs for other tools: a CSV line per row, and TensorBoard's scalars and images.
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trimEnd().split('\n');
    expect(csv.length).toBe(rows.length + 1);
    const events = readFileSync(join(out, 'tensorboard/events.out.tfevents.0.vmbrl'));
    for (const tag of ['brain.Event:2', 'eval/return', 'train/loss', 'eval/open_loop']) {
      expect(events.includes(Buffer.from(tag)), tag).toBe(true);
    }
    const evalReturns = kinds('eval').map((r) => (r.return as number).toFixed(1));
    expect(html).toContain(`eval 2 open loop: step 320, return ${evalReturns[1]}`);
    expect(readLoopState(join(out, 'checkpoint')).replayFiles).toEqual(episodes);
  });

  it('pretrainUpdates: world-model-only updates once, before the first trained episode', async () => {
    const out = tempDir();
    const config = resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 0, {
      pretrainUpdates: 3,
    });
    const result = await runOnline({ config, out, backend: 'cpu' });
    // S = 2 seed episodes, then episodes 3 and 4 with C = 2 each; 3 pretraining updates first.
    expect(result.state.updates).toBe(3 + 2 + 2);
    const { rows } = readMetrics(join(out, 'metrics.jsonl'));
    const train = rows.filter((r) => r.kind === 'train');
    // logEvery 10: a row closes at the end of the pretraining and of each episode's updates;
    // the step is the env steps after the episode: 10 agent steps at Dreamer's repeat R = 2.
    expect(train.map((r) => [r.step, r.updates, r.pretrain])).toEqual([
      [60, 3, true],
      [60, 5, undefined],
      [80, 7, undefined],
    ]);
    // The pretraining row has the world model's losses only; the others average the C
    // behaviour-learning updates (which log the actor's loss).
    expect(train[0]?.actorLoss).toBeUndefined();
    for (const row of train.slice(1)) expect(Number.isFinite(row.actorLoss as number)).toBe(true);
    expect(() =>
      resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 0, {
        seedEpisodes: 0,
        pretrainUpdates: 5,
      }),
    ).toThrow(/pretrainUpdates = 5 is invalid; allowed: 0 when there are no seed episodes/);
  });

  it('runs the CEM oracle: every episode is an evaluation, nothing is trained', async () => {
    const out = tempDir();
    const config = resolveRunConfig('cem-oracle', 'debug', 'cartpole-swingup', 1, {
      episodeSteps: 4,
      planner: { horizon: 3, iterations: 2, candidates: 16, topK: 4 },
    });
    const result = await runOnline({ config, out, backend: 'cpu' });
    const { rows } = readMetrics(join(out, 'metrics.jsonl'));
    expect(rows.filter((r) => r.kind === 'train')).toEqual([]);
    const episodes = rows.filter((r) => r.kind === 'episode');
    const evals = rows.filter((r) => r.kind === 'eval');
    expect(evals.map((r) => r.return)).toEqual(episodes.map((r) => r.return));
    expect(result.state).toMatchObject({ episodes: 2, evaluations: 2, updates: 0 });
    expect(existsSync(join(out, 'videos/eval-episode.gif'))).toBe(true);
  });
});
