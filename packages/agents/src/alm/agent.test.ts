import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@vmbrl/core';
import { type MetricsRow, readMetrics } from '@vmbrl/metrics';
import { EpisodeBuffer, EpisodeBuilder } from '@vmbrl/replay';
import { initBackend, tf } from '@vmbrl/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnlineProgress } from '../loop/progress.js';
import { readLoopState } from '../loop/run-dir.js';
import { resolveRunConfig, runOnline } from '../registry.js';
import { AlmAgent } from './agent.js';
import type { AlmRunConfig } from './config.js';

/** An ALM run config (`resolveRunConfig` returns the union of every agent's). */
function almConfig(...args: Parameters<typeof resolveRunConfig>): AlmRunConfig {
  return resolveRunConfig(...args) as AlmRunConfig;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-alm-'));
  dirs.push(dir);
  return dir;
}
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// 90 env steps of 30-step hopper episodes; 40 random warm-up steps, then one update per step.
const config = almConfig('alm', 'debug', 'hopper', 5);

/** Rows without wall-clock fields (timings differ between runs; everything else must not). */
function rowsOf(out: string): MetricsRow[] {
  return readMetrics(join(out, 'metrics.jsonl')).rows.map((row) => {
    const { updatesPerSecond: _u, planSecondsPerStep: _p, ...rest } = row;
    return rest as MetricsRow;
  });
}

/** SHA-256 of the saved tensors (weights, targets, Adam moments) from the checkpoint manifest. */
function weightsHash(out: string): string {
  const manifest = JSON.parse(
    readFileSync(join(out, 'checkpoint', 'agent', 'alm', 'manifest.json'), 'utf8'),
  );
  return manifest.sha256 as string;
}

let reference: { out: string; rows: MetricsRow[] } | undefined;
async function uninterrupted() {
  if (!reference) {
    const out = tempDir();
    await runOnline({ config, out, backend: 'cpu' });
    reference = { out, rows: rowsOf(out) };
  }
  return reference;
}

describe('ALM online run (debug preset, hopper)', () => {
  it('completes the budget and writes the run directory', async () => {
    const { out, rows } = await uninterrupted();
    const files = ['config.json', 'metrics.jsonl', 'report.html', 'checkpoint/state.json'];
    // The report plots ALM's losses (one panel per term) beside the evaluation returns.
    files.push('plots/losses.svg', 'plots/eval-return.svg');
    for (const file of files) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const state = readLoopState(join(out, 'checkpoint'));
    expect(state.envSteps).toBe(90);
    // The first episode ends by step 30 < warm-up 40, so every step after the warm-up updates.
    expect(state.updates).toBe(90 - 40);
    const episodes = rows.filter((r) => r.kind === 'episode');
    expect(episodes).toHaveLength(state.episodes);
    expect(readdirSync(join(out, 'episodes'))).toHaveLength(state.episodes);
    expect(episodes.reduce((n, r) => n + (r.length as number), 0)).toBe(90);
    // One evaluation per crossing of a multiple of evalEvery = 60 at an episode end.
    const ends = episodes.map((r) => r.step);
    const crossings = ends.filter(
      (s, i) => Math.floor(s / 60) > Math.floor((ends[i - 1] ?? 0) / 60),
    );
    // And the final evaluation at step 90 unless a crossing already evaluated there.
    const expected = crossings.length + (crossings.at(-1) === 90 ? 0 : 1);
    expect(rows.filter((r) => r.kind === 'eval')).toHaveLength(expected);
    expect(state.evaluations).toBe(expected);
    expect(rows.at(-1)).toMatchObject({ kind: 'eval', step: 90 });
    // Train rows: all four updates ran, and the exploration std is Table 3's linear schedule
    // (1.0 -> 0.1 over 1000 steps in debug) averaged over the episode's update steps.
    const train = rows.filter((r) => r.kind === 'train');
    expect(
      train.reduce(
        (n, r, i) => n + (r.updates as number) - (i ? (train[i - 1]?.updates as number) : 0),
        0,
      ),
    ).toBe(50);
    const first = train[0] as MetricsRow;
    const firstEpisode = episodes.find((r) => r.step === first.step) as MetricsRow;
    const from = Math.max(40, (first.step as number) - (firstEpisode.length as number)) + 1;
    let sum = 0;
    for (let t = from; t <= (first.step as number); t++) sum += 1 - (0.9 * t) / 1000;
    expect(first.explorationStd as number).toBeCloseTo(
      sum / ((first.step as number) - from + 1),
      6,
    );
    for (const key of [
      'lowerBoundLoss',
      'rewardLoss',
      'classifierLoss',
      'criticLoss',
      'policyLoss',
    ]) {
      expect(Number.isFinite(first[key] as number), key).toBe(true);
    }
  });

  it('an interrupted run resumed from its checkpoint continues exactly', async () => {
    const { out: refOut, rows } = await uninterrupted();
    const out = tempDir();
    const controller = new AbortController();
    // Stop in the middle of an episode after the warm-up: its steps and updates are redone.
    const first = await runOnline({
      config,
      out,
      backend: 'cpu',
      signal: controller.signal,
      onProgress: (p: OnlineProgress) => {
        if (p.updates >= 25 && p.episodeStep > 3) controller.abort();
      },
    });
    expect(first.stoppedBy).toBe('signal');
    expect(first.state.envSteps).toBeLessThan(90);
    const second = await runOnline({ config, out, backend: 'cpu' });
    expect(second.resumed).toBe(true);
    expect(rowsOf(out)).toEqual(rows);
    expect(readLoopState(join(out, 'checkpoint'))).toEqual(
      readLoopState(join(refOut, 'checkpoint')),
    );
    expect(weightsHash(out)).toBe(weightsHash(refOut));
  });

  it('the model-free variant runs without the model losses', async () => {
    const out = tempDir();
    const freeConfig = almConfig('alm-model-free', 'debug', 'hopper', 5, {
      maxEnvSteps: 50,
    });
    expect(freeConfig.learner.modelFree).toBe(true);
    await runOnline({ config: freeConfig, out, backend: 'cpu' });
    const train = rowsOf(out).filter((r) => r.kind === 'train');
    expect(train.length).toBeGreaterThan(0);
    for (const row of train) {
      expect(row.lowerBoundLoss).toBeUndefined();
      expect(row.classifierLoss).toBeUndefined();
      expect(Number.isFinite(row.criticLoss as number)).toBe(true);
    }
  });
});

describe('AlmAgent', () => {
  it('keeps tf.memory().numTensors flat across updates and steps', async () => {
    const learner = almConfig('alm', 'debug', 'hopper', 1).learner;
    const agent = new AlmAgent({ stateDim: 11, actionDim: 3, config: learner, seed: 1 });
    const rng = new Rng(2);
    const builder = new EpisodeBuilder(3);
    builder.start({ state: Float32Array.from({ length: 11 }, () => rng.normal()) });
    for (let t = 0; t < 20; t++) {
      builder.add(
        Float32Array.from({ length: 3 }, () => rng.uniform(-1, 1)),
        rng.normal(),
        1,
        { state: Float32Array.from({ length: 11 }, () => rng.normal()) },
      );
    }
    const replay = new EpisodeBuffer({ capacitySteps: 1000 });
    replay.add(builder.finish());
    const step = async () => {
      const seq = replay.sampleTransitions(8, learner.horizon, rng, ['state']);
      const one = replay.sampleTransitions(8, 1, rng, ['state']);
      agent.train({ sequences: seq, transitions: one }, { envStep: 100 });
      const state = Float32Array.from({ length: 11 }, () => rng.normal());
      const explored = await agent.policy({ state }, null, { explore: true });
      const greedy = await agent.policy({ state }, null, { explore: false });
      expect(explored.action).toHaveLength(3);
      expect(greedy.action.every((a) => a >= -1 && a <= 1)).toBe(true);
    };
    await step(); // Adam slots are created on the first update
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await step();
    expect(tf.memory().numTensors).toBe(before);
    await agent.dispose();
  });

  it('evaluation acts without noise and exploration follows the schedule', async () => {
    const learner = almConfig('alm', 'debug', 'hopper', 1).learner;
    const agent = new AlmAgent({ stateDim: 11, actionDim: 3, config: learner, seed: 3 });
    const state = Float32Array.from({ length: 11 }, (_, i) => Math.sin(i));
    const a = await agent.policy({ state }, null, { explore: false });
    const b = await agent.policy({ state }, null, { explore: false });
    expect(Array.from(a.action)).toEqual(Array.from(b.action));
    // Exploring at the start of the schedule (std 1) moves the action away from the mean.
    const noisy = await agent.policy({ state }, null, { explore: true });
    expect(Array.from(noisy.action)).not.toEqual(Array.from(a.action));
    await expect(
      agent.policy({ state: new Float32Array(4) }, null, { explore: false }),
    ).rejects.toThrow(/state observation of 11 values, got 4/);
    await agent.dispose();
  });

  it('rejects bad run configs with the field and what is allowed', () => {
    expect(() => almConfig('alm', 'debug', 'no-such-task', 0)).toThrow(/task/);
    expect(() => almConfig('alm', 'debug', 'hopper', 0, { batchSize: 0 })).toThrow(
      /batchSize = 0 is invalid; allowed: an integer >= 1/,
    );
    expect(() => almConfig('alm', 'debug', 'hopper', 0, { learner: { horizon: 0 } })).toThrow(
      /horizon = 0 is invalid/,
    );
    expect(() => almConfig('alm', 'debug', 'hopper', 0, { learner: { horizon: 30 } })).toThrow(
      /learner.horizon = 30 is invalid; allowed: an integer < episodeSteps \(30\)/,
    );
    const k5 = almConfig('alm', 'paper', 'half-cheetah', 0, {
      learner: { horizon: 5, klTerm: false, valueTerm: false, classifierReward: false },
    });
    expect(k5.learner).toMatchObject({ horizon: 5, klTerm: false, valueTerm: false });
    expect(k5).toMatchObject({ batchSize: 512, warmupSteps: 5000, replayCapacity: 100_000 });
  });
});
