import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRESET_NAMES, documentedFields, valueAt } from '@vmbrl/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { DreamerRunConfig } from './dreamer/config.js';
import { configDifferences, episodeRows } from './loop/config.js';
import type { PlanetRunConfig } from './planet/config.js';
import {
  AGENTS,
  AGENT_KINDS,
  type AgentKind,
  type RunConfig,
  checkRunConfig,
  definitionOf,
  resolveRunConfig,
  upgradeRunConfig,
} from './registry.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A task each agent runs on (pixels or states). */
const TASK: Record<AgentKind, string> = {
  planet: 'cartpole-swingup',
  dreamer: 'cartpole-swingup',
  'cem-oracle': 'cartpole-swingup',
  alm: 'hopper',
  'alm-model-free': 'hopper',
  study: 'cartpole-swingup',
};

/** Dotted paths of every value of a config (lists are values). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

describe('run configs', () => {
  it("PlaNet's paper preset holds the paper's values (appendix A, Algorithms 1 and 2)", () => {
    const c = resolveRunConfig('planet', 'paper', 'cheetah-run', 0) as PlanetRunConfig;
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
    expect(resolveRunConfig('planet', 'paper', 'cartpole-swingup', 0).actionRepeat).toBe(8);
    expect(resolveRunConfig('planet', 'paper', 'walker-walk', 0).actionRepeat).toBe(2);
  });

  it('every agent resolves every preset, and every field has a doc', () => {
    for (const agent of AGENT_KINDS) {
      const docs = documentedFields(definitionOf(agent).presets.docs).map((f) => f.path);
      for (const preset of PRESET_NAMES) {
        const config = resolveRunConfig(agent, preset, TASK[agent], 1);
        expect(config).toMatchObject({ agent, preset });
        // Each value sits at or below a documented path, and each doc names a field.
        for (const path of leafPaths(config)) {
          const documented = docs.some((d) => path === d || path.startsWith(`${d}.`));
          expect(documented, `${agent} ${path}`).toBe(true);
        }
        for (const path of docs) expect(valueAt(config, path), `${agent} ${path}`).toBeDefined();
      }
    }
    expect(new Set(Object.values(AGENTS)).size).toBe(5); // both ALM kinds share one definition
    const free = resolveRunConfig('alm-model-free', 'debug', 'hopper', 0);
    expect(free.agent === 'alm-model-free' && free.learner.modelFree).toBe(true);
  });

  it('rejects bad values, the model included, with one message naming the field and what is allowed', () => {
    const bad: [() => unknown, RegExp][] = [
      [
        () => resolveRunConfig('planet', 'fast' as never, 'cartpole-swingup', 0),
        /preset = "fast" is invalid; allowed: paper, quick, debug/,
      ],
      [
        () => resolveRunConfig('muzero' as never, 'quick', 'cartpole-swingup', 0),
        /agent = "muzero" is invalid; allowed: planet, dreamer, cem-oracle, alm, alm-model-free/,
      ],
      [
        () => resolveRunConfig('planet', 'quick', 'cartpole-spin', 0),
        /task = "cartpole-spin" is invalid; allowed: cartpole-balance, cartpole-swingup/,
      ],
      [
        () => resolveRunConfig('planet', 'quick', 'cartpole-swingup', -1),
        /seed = -1 is invalid; allowed: an integer in 0..4294967295/,
      ],
      [
        () =>
          resolveRunConfig('planet', 'quick', 'cartpole-swingup', 0, { planner: { topK: 500 } }),
        /planner.topK = 500 is invalid; allowed: an integer in 1..100/,
      ],
      [
        () => resolveRunConfig('planet', 'debug', 'cartpole-swingup', 0, { chunkLength: 12 }),
        /chunkLength = 12 is invalid; allowed: an integer in 2..11/,
      ],
      [
        () =>
          resolveRunConfig('planet', 'quick', 'cartpole-swingup', 0, {
            maxEpisodes: null,
            maxEnvSteps: null,
          }),
        /maxEpisodes = null is invalid/,
      ],
      [
        () =>
          resolveRunConfig('planet', 'quick', 'cartpole-swingup', 0, { explorationNoise: -0.3 }),
        /explorationNoise = -0.3 is invalid; allowed: a finite number >= 0/,
      ],
      [
        () =>
          resolveRunConfig('planet', 'quick', 'cartpole-swingup', 0, {
            planner: { varianceEpsilon: -1e-6 },
          }),
        /planner.varianceEpsilon = -0.000001 is invalid; allowed: a finite number >= 0/,
      ],
      [
        () => resolveRunConfig('planet', 'quick', 'cartpole-swingup', 0, { batchSize: 2.5 }),
        /batchSize = 2.5 is invalid; allowed: an integer >= 1/,
      ],
      [
        () =>
          resolveRunConfig('dreamer', 'quick', 'cartpole-swingup', 0, { model: { bitDepth: 9 } }),
        /bitDepth = 9 is invalid; allowed: an integer in 1..8/,
      ],
      [
        () =>
          resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 0, {
            seedEpisodes: 0,
            pretrainUpdates: 5,
          }),
        /pretrainUpdates = 5 is invalid; allowed: 0 when there are no seed episodes/,
      ],
      [
        () => resolveRunConfig('alm', 'debug', 'hopper', 0, { learner: { gamma: 2 } }),
        /ALM config: gamma = 2 is invalid; allowed: a number in \[0, 1\]/,
      ],
    ];
    for (const [call, message] of bad) expect(call).toThrow(message);
  });

  it('lists differences between configs, budgets aside', () => {
    const a = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 0) as PlanetRunConfig;
    const b: RunConfig = { ...a, maxEpisodes: 99, planner: { ...a.planner, candidates: 9 } };
    expect(configDifferences(a, b)).toEqual(['planner.candidates: 8 -> 9']);
    expect(configDifferences(a, { ...a, maxEnvSteps: 5 })).toEqual([]);
  });

  it('an existing run dir with another config is refused unless forced', () => {
    const out = mkdtempSync(join(tmpdir(), 'vmbrl-config-'));
    dirs.push(out);
    const config = resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 0) as DreamerRunConfig;
    expect(checkRunConfig(out, config)).toBe(false);
    writeFileSync(join(out, 'config.json'), JSON.stringify({ ...config, backend: 'wasm' }));
    expect(checkRunConfig(out, { ...config, maxEpisodes: 8 })).toBe(true);
    const other = { ...config, seed: 1 };
    expect(() => checkRunConfig(out, other)).toThrow(
      /holds a run with a different config \(seed: 0 -> 1\); use the same settings to resume, another --out, or --force-config/,
    );
    expect(checkRunConfig(out, other, true)).toBe(true);
    const changed = { ...config, model: { ...config.model, imageEvery: 2 } };
    expect(() => checkRunConfig(out, changed)).toThrow(/model\.imageEvery: 1 -> 2/);
  });
});

describe('configs written before the reorganisation', () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'before-issue-14');

  it('each upgrades to exactly what its agent and preset resolve to now', () => {
    const files = readdirSync(join(dir, 'configs')).sort();
    expect(files).toHaveLength(13);
    for (const file of files) {
      const { backend: _b, ...saved } = JSON.parse(
        readFileSync(join(dir, 'configs', file), 'utf8'),
      );
      const agent = saved.agent as AgentKind;
      // The oracle had one preset named after it; it is its `paper` preset now.
      const preset = saved.preset === 'cem-oracle' ? 'paper' : saved.preset;
      const now = resolveRunConfig(agent, preset, saved.task, saved.seed);
      // Dreamer `quick` on cartpole-swingup has used action repeat 4 since 2026-12-04; a
      // saved run keeps the 2 it was trained with (upgrades never change what a run did).
      const changed = file === 'dreamer-quick.json' ? ['actionRepeat: 2 -> 4'] : [];
      expect(configDifferences(upgradeRunConfig(saved), now), file).toEqual(changed);
      if (changed.length > 0) now.actionRepeat = saved.actionRepeat;
      // Output fields added since read as those runs wrote: a row per episode, one checkpoint.
      const output = { logEvery: 0, keepCheckpoints: 0, keepBestCheckpoint: false };
      expect(upgradeRunConfig(saved), file).toEqual({ ...now, ...output });
    }
    // The renamed knobs: Dreamer's 'reward-sum' is 'reward'; ALM's evalEvery counted env steps.
    const dreamer = JSON.parse(readFileSync(join(dir, 'configs', 'dreamer-debug.json'), 'utf8'));
    dreamer.dreamer.valueEstimate = 'reward-sum';
    expect((upgradeRunConfig(dreamer) as DreamerRunConfig).dreamer.valueEstimate).toBe('reward');
    const alm = JSON.parse(readFileSync(join(dir, 'configs', 'alm-quick.json'), 'utf8'));
    expect(upgradeRunConfig(alm)).toMatchObject({ evalEvery: 0, evalEveryEnvSteps: 2000 });
  });
});
