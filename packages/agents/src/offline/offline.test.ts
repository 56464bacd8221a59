import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Episode, percentile } from '@vmbrl/core';
import { type MetricsRow, readMetrics } from '@vmbrl/metrics';
import { allocateBatch, randomSplit, readDatasetManifest } from '@vmbrl/replay';
import { initBackend, tf } from '@vmbrl/tensor';
import { studyModelFromPreset } from '@vmbrl/world-models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRunConfig, runOnline } from '../registry.js';
import { collectDataset } from './collect.js';
import { evaluateOffline } from './evaluate.js';
import { predictionErrors, predictionWindows } from './prediction.js';
import { readSplit, trainOffline } from './train.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-offline-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const task = 'cartpole-swingup';
const base = { task, actionRepeat: 4, episodeSteps: 8, seed: 5 };
let dataset: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dataset = tempDir();
  await collectDataset({
    ...base,
    dataset,
    sources: [
      { kind: 'random', name: 'random', episodes: 5 },
      { kind: 'oracle', name: 'oracle', episodes: 1, preset: 'debug' },
    ],
  });
  randomSplit(dataset, { seed: 0, testFraction: 0.34 });
}, 120_000);

describe('collect', () => {
  it('writes each source its episodes; a resumed collection writes what one run would have', async () => {
    const manifest = readDatasetManifest(dataset);
    expect(manifest.sources).toEqual({
      oracle: { episodes: 1, steps: 9 },
      random: { episodes: 5, steps: 45 },
    });
    expect(manifest.split).toMatchObject({ method: 'random', train: 4, test: 2 });
    // The same random episodes in two steps: 2, then up to 5 (only 3 more are written).
    const resumed = tempDir();
    const first = await collectDataset({
      ...base,
      dataset: resumed,
      sources: [{ kind: 'random', name: 'random', episodes: 2 }],
    });
    expect(first.written).toEqual({ random: 2 });
    const second = await collectDataset({
      ...base,
      dataset: resumed,
      sources: [{ kind: 'random', name: 'random', episodes: 5 }],
    });
    expect(second).toEqual({ written: { random: 3 }, counts: { random: 5 } });
    const hashes = (dir: string) =>
      readDatasetManifest(dir)
        .episodes.filter((e) => e.source === 'random')
        .map((e) => e.sha256);
    expect(hashes(resumed)).toEqual(hashes(dataset));
    // The oracle plans on the true simulator: its return beats the random episodes' mean.
    const returns = (source: string) =>
      manifest.episodes.filter((e) => e.source === source).map((e) => e.return);
    const randomMean = returns('random').reduce((a, b) => a + b, 0) / 5;
    expect(returns('oracle')[0]).toBeGreaterThan(randomMean);
  }, 60_000);

  it("takes episodes from a trained run's checkpoint; refuses a run of another action repeat", async () => {
    const run = tempDir();
    const config = resolveRunConfig('planet', 'debug', task, 1, {
      actionRepeat: 4,
      episodeSteps: 8,
      maxEpisodes: 3,
    });
    await runOnline({ config, out: run, backend: 'cpu' });
    const target = tempDir();
    const report = await collectDataset({
      ...base,
      dataset: target,
      sources: [{ kind: 'run', name: 'planet0', episodes: 2, runDir: run, noise: false }],
    });
    expect(report.counts).toEqual({ planet0: 2 });
    const entries = readDatasetManifest(target).episodes;
    expect(entries.map((e) => [e.source, e.length])).toEqual([
      ['planet0', 9],
      ['planet0', 9],
    ]);
    const other = tempDir();
    await runOnline({
      config: resolveRunConfig('planet', 'debug', task, 1, { maxEpisodes: 1 }),
      out: other,
      backend: 'cpu',
    });
    await expect(
      collectDataset({
        ...base,
        dataset: target,
        sources: [{ kind: 'run', name: 'planet1', episodes: 1, runDir: other, noise: false }],
      }),
    ).rejects.toThrow(/acts with action repeat 8, the dataset holds action repeat 4/);
  }, 120_000);

  it('refuses a dataset of another action repeat and a repeated source name', async () => {
    await expect(
      collectDataset({ ...base, actionRepeat: 2, dataset, sources: [] }),
    ).rejects.toThrow(/holds actionRepeat 4, the writer was opened for actionRepeat 2/);
    await expect(
      collectDataset({
        ...base,
        dataset: tempDir(),
        sources: [
          { kind: 'random', name: 'a', episodes: 1 },
          { kind: 'random', name: 'a', episodes: 1 },
        ],
      }),
    ).rejects.toThrow(/source name 'a' is given twice/);
  });
});

describe('prediction errors', () => {
  it('windows start every stride rows and fit context + horizon; maxWindows thins evenly', () => {
    const options = { context: 2, horizon: 3, stride: 2, maxWindows: null };
    // Lengths 9 and 5: starts 0, 2, 4 (4 + 5 <= 9) and 0.
    expect(predictionWindows([9, 5, 4], options)).toEqual([
      { episode: 0, start: 0 },
      { episode: 0, start: 2 },
      { episode: 0, start: 4 },
      { episode: 1, start: 0 },
    ]);
    expect(predictionWindows([9, 5], { ...options, maxWindows: 2 })).toEqual([
      { episode: 0, start: 0 },
      { episode: 0, start: 4 },
    ]);
  });

  it("match a window predicted by hand from the episode's own rows (R, real episodes)", () => {
    const { episodes } = readSplit(dataset, 'test');
    // R_recurrent predicts without sampling, so a window predicted alone must give the same.
    const model = studyModelFromPreset('R', 'debug', { actionDim: 1, seed: 3 });
    try {
      const context = model.sequenceLength - 3;
      const options = { context, horizon: 3, stride: 1, maxWindows: null, batchSize: 2 };
      const before = tf.memory().numTensors;
      const result = predictionErrors(model, episodes, options);
      expect(tf.memory().numTensors).toBe(before);
      const windows = predictionWindows(
        episodes.map((e) => e.length),
        options,
      );
      expect(result.rewardErrors.length).toBe(windows.length);
      expect(result.imageError).toBeNull();
      // Window 3 by hand: its rows of the episode as a batch of one.
      const w = windows[3];
      const e: Episode = episodes[w.episode];
      const span = context + 3;
      const batch = allocateBatch({ actionDim: 1, imageShape: [64, 64, 3] }, 1, span, ['image']);
      const frame = 64 * 64 * 3;
      batch.image!.set(e.image!.subarray(w.start * frame, (w.start + span) * frame));
      batch.action.set(e.action.subarray(w.start, w.start + span));
      batch.reward.set(e.reward.subarray(w.start, w.start + span));
      const predicted = model.predict(batch, context, 3);
      const rewards = predicted.rewards.dataSync();
      let squares = 0;
      for (let h = 0; h < 3; h++) squares += (rewards[h] - e.reward[w.start + context + h]) ** 2;
      expect(result.rewardErrors[3]).toBeCloseTo(Math.sqrt(squares), 5);
      expect(result.rewards.truth.slice(9, 12)).toEqual(
        Array.from(e.reward.subarray(w.start + context, w.start + span)),
      );
      expect(result.rewards.predicted.slice(9, 12)[2]).toBeCloseTo(rewards[2], 5);
      tf.dispose([predicted.rewards]);
      // The median over windows, by hand.
      expect(result.rewardError.median).toBeCloseTo(percentile(result.rewardErrors, 50), 12);
    } finally {
      model.dispose();
    }
  }, 60_000);

  it('give an image error per window for designs that predict frames (LTLR)', () => {
    const { episodes } = readSplit(dataset, 'test');
    const model = studyModelFromPreset('LTLR', 'debug', { actionDim: 1, seed: 3 });
    try {
      const before = tf.memory().numTensors;
      const options = { context: 2, horizon: 3, stride: 2, maxWindows: 5, batchSize: 2 };
      const result = predictionErrors(model, episodes, options);
      expect(tf.memory().numTensors).toBe(before);
      expect(result.imageError?.windows).toBe(5);
      expect(result.rewardError.windows).toBe(5);
      // An untrained decoder is far from the frames, but both errors are finite and positive.
      expect(result.imageError!.mean).toBeGreaterThan(0);
      expect(result.imageError!.mean).toBeLessThan(1);
      expect(() => predictionErrors(model, episodes, { ...options, context: 20 })).toThrow(
        /no test episode has context \+ horizon = 23 rows \(the longest has 9\)/,
      );
    } finally {
      model.dispose();
    }
  }, 60_000);
});

describe('train and evaluate offline', () => {
  const train = (out: string, checkStop?: () => void) =>
    trainOffline({
      out,
      dataset,
      agent: 'planet',
      preset: 'debug',
      seed: 2,
      backend: 'cpu',
      checkStop,
    });
  const rowsOf = (out: string): MetricsRow[] => readMetrics(join(out, 'metrics.jsonl')).rows;

  it('trains on the train split only; a stopped run resumes to the same updates', async () => {
    const reference = tempDir();
    await train(reference);
    expect(rowsOf(reference).map((r) => r.step)).toEqual([1, 2, 3, 4]);
    const stopped = tempDir();
    let updates = 0;
    await expect(
      train(stopped, () => {
        if (updates++ === 3) throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    // Stopped before update 4: the checkpoint holds 2, the rows after it are redone.
    await train(stopped);
    expect(rowsOf(stopped)).toEqual(rowsOf(reference));
    const offline = JSON.parse(readFileSync(join(stopped, 'offline.json'), 'utf8'));
    expect(offline.dataset).toMatchObject({ task, actionRepeat: 4 });
    expect(offline.settings.updates).toBe(4);

    const evaluation = await evaluateOffline({ out: stopped, backend: 'cpu' });
    expect(evaluation.returns.length).toBe(2);
    // The score is the 90th percentile, by hand: 2 returns a <= b give a + 0.9 (b - a).
    const [a, b] = [...evaluation.returns].sort((x, y) => x - y);
    expect(evaluation.score.p90).toBeCloseTo(a + 0.9 * (b - a), 10);
    expect(evaluation.updates).toBe(4);
    expect(evaluation.rewardError).toBeNull();
    expect(evaluation.noPrediction).toMatch(/planet has no study model/);
    const written = JSON.parse(readFileSync(join(stopped, 'evaluation.json'), 'utf8'));
    expect(written.score).toEqual(evaluation.score);
  }, 120_000);

  it('refuses an unsplit dataset and a run directory of another dataset', async () => {
    const unsplit = tempDir();
    await collectDataset({
      ...base,
      dataset: unsplit,
      sources: [{ kind: 'random', name: 'random', episodes: 2 }],
    });
    await expect(
      trainOffline({ out: tempDir(), dataset: unsplit, agent: 'planet', preset: 'debug', seed: 2 }),
    ).rejects.toThrow(/has no train\/test split/);
  }, 60_000);
});
