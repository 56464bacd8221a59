import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type OnlineConfig,
  type OnlinePresetName,
  configDifferences,
  episodeRows,
  resolveOnlineConfig,
} from './config.js';
import { prepareRunDir } from './run-dir.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('online config', () => {
  it('paper preset has the values of PlaNet (PAPERS.md)', () => {
    const c = resolveOnlineConfig('paper', 'cheetah-run', 0);
    expect(c).toMatchObject({
      agent: 'planet',
      actionRepeat: 4,
      seedEpisodes: 5,
      updatesPerEpisode: 100,
      batchSize: 50,
      chunkLength: 50,
      explorationNoise: 0.3,
      planner: { horizon: 12, iterations: 10, candidates: 1000, topK: 100 },
    });
    expect(c.model).toMatchObject({
      deterSize: 200,
      stochSize: 30,
      learningRate: 1e-3,
      adamEps: 1e-4,
      clipNorm: 1000,
      freeNats: 3,
      bitDepth: 5,
    });
    // 1000 control steps / R = 250 agent steps, plus the reset row.
    expect(episodeRows(c)).toBe(251);
    expect(resolveOnlineConfig('paper', 'cartpole-swingup', 0).actionRepeat).toBe(8);
    expect(resolveOnlineConfig('paper', 'walker-walk', 0).actionRepeat).toBe(2);
  });

  it('every preset resolves on every task', () => {
    for (const preset of ['paper', 'quick', 'debug', 'cem-oracle'] as OnlinePresetName[]) {
      expect(resolveOnlineConfig(preset, 'finger-spin', 1).preset).toBe(preset);
    }
  });

  it('rejects bad values with one message naming the field and what is allowed', () => {
    const bad: [() => unknown, RegExp][] = [
      [
        () => resolveOnlineConfig('fast' as OnlinePresetName, 'cartpole-swingup', 0),
        /preset = "fast" is invalid; allowed: paper, quick, debug, cem-oracle/,
      ],
      [
        () => resolveOnlineConfig('quick', 'cartpole-spin', 0),
        /task = "cartpole-spin" is invalid; allowed: cartpole-balance, cartpole-swingup/,
      ],
      [
        () => resolveOnlineConfig('quick', 'cartpole-swingup', -1),
        /seed = -1 is invalid; allowed: an integer in \[0, 2\^32\)/,
      ],
      [
        () => resolveOnlineConfig('quick', 'cartpole-swingup', 0, { planner: { topK: 500 } }),
        /planner.topK = 500 is invalid; allowed: an integer <= planner.candidates \(100\)/,
      ],
      [
        () => resolveOnlineConfig('debug', 'cartpole-swingup', 0, { chunkLength: 12 }),
        /chunkLength = 12 is invalid; allowed: an integer <= 11, the rows of one episode/,
      ],
      [
        () =>
          resolveOnlineConfig('quick', 'cartpole-swingup', 0, {
            maxEpisodes: null,
            maxEnvSteps: null,
          }),
        /maxEpisodes = null is invalid/,
      ],
      [
        () => resolveOnlineConfig('quick', 'cartpole-swingup', 0, { explorationNoise: -0.3 }),
        /explorationNoise = -0.3 is invalid; allowed: a finite number >= 0/,
      ],
      [
        () => resolveOnlineConfig('quick', 'cartpole-swingup', 0, { batchSize: 2.5 }),
        /batchSize = 2.5 is invalid; allowed: an integer >= 1/,
      ],
      [
        () => resolveOnlineConfig('quick', 'cartpole-swingup', 0, { model: { bitDepth: 9 } }),
        /bitDepth = 9 is invalid; allowed: an integer in 1..8/,
      ],
    ];
    for (const [call, message] of bad) expect(call).toThrow(message);
  });

  it('lists differences between configs, budgets aside', () => {
    const a = resolveOnlineConfig('debug', 'cartpole-swingup', 0);
    const b: OnlineConfig = { ...a, maxEpisodes: 99, planner: { ...a.planner, candidates: 9 } };
    expect(configDifferences(a, b)).toEqual(['planner.candidates: 8 -> 9']);
    expect(configDifferences(a, { ...a, maxEnvSteps: 5 })).toEqual([]);
  });

  it('an existing run dir with another config is refused unless forced', () => {
    const out = mkdtempSync(join(tmpdir(), 'vmbrl-config-'));
    dirs.push(out);
    const config = resolveOnlineConfig('debug', 'cartpole-swingup', 0);
    expect(prepareRunDir(out, config, 'cpu', false)).toBe(false);
    expect(prepareRunDir(out, { ...config, maxEpisodes: 8 }, 'wasm', false)).toBe(true);
    const other = { ...config, seed: 1 };
    expect(() => prepareRunDir(out, other, 'cpu', false)).toThrow(
      /holds a run with a different config \(seed: 0 -> 1\); use the same settings to resume, another --out, or --force-config/,
    );
    expect(prepareRunDir(out, other, 'cpu', true)).toBe(true);
  });

  it('a run written before imageEvery, actorInitStd and pretrainUpdates existed resumes as it ran', () => {
    const out = mkdtempSync(join(tmpdir(), 'vmbrl-config-'));
    dirs.push(out);
    const config = resolveOnlineConfig('debug', 'cartpole-swingup', 0, { agent: 'dreamer' });
    const { imageEvery: _i, ...oldModel } = config.model;
    const { actorInitStd: _s, ...oldDreamer } = config.dreamer as NonNullable<
      typeof config.dreamer
    >;
    const { pretrainUpdates: _p, ...oldTop } = config;
    const old = { ...oldTop, model: oldModel, dreamer: oldDreamer, backend: 'wasm' };
    writeFileSync(join(out, 'config.json'), JSON.stringify(old));
    expect(prepareRunDir(out, config, 'wasm', false)).toBe(true);
    // The values such a run had are the defaults; a run that now asks for others is told.
    writeFileSync(join(out, 'config.json'), JSON.stringify(old));
    const changed = { ...config, model: { ...config.model, imageEvery: 2 } };
    expect(() => prepareRunDir(out, changed, 'wasm', false)).toThrow(/model\.imageEvery: 1 -> 2/);
  });
});
