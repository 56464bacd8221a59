import { describe, expect, it } from 'vitest';
import {
  PRESETS,
  type WorldModelConfig,
  canonicalJson,
  overshootingBetas,
  resolveConfig,
  upgradeConfig,
} from './config.js';
import { upgradeLatentDesign } from './study/checkpoint.js';

describe('config', () => {
  it('paper preset carries the PlaNet sizes and training constants', () => {
    const c = resolveConfig('paper');
    expect([c.deterSize, c.stochSize, c.hiddenSize]).toEqual([200, 30, 200]);
    expect(c.rewardHidden).toEqual([300, 300, 300]);
    expect([c.minStd, c.freeNats, c.rewardScale, c.bitDepth]).toEqual([0.1, 3, 10, 5]);
    expect([c.learningRate, c.adamEps, c.clipNorm]).toEqual([1e-3, 1e-4, 1000]);
    // The reference code's 10k-update warm-up is an option, off in every preset.
    expect(c.lrWarmup).toBe(0);
  });

  it('every preset validates and resolving copies it', () => {
    for (const name of Object.keys(PRESETS) as (keyof typeof PRESETS)[]) {
      const c = resolveConfig(name);
      c.rewardHidden.push(1);
      expect(PRESETS[name].rewardHidden).not.toContain(1);
    }
  });

  it('names the bad field and what is allowed', () => {
    expect(() => resolveConfig('quick', { variant: 'lstm' as never })).toThrow(
      /variant = "lstm" is invalid; allowed: rssm, ssm, rnn/,
    );
    expect(() => resolveConfig('quick', { stochSize: 0 })).toThrow(/stochSize = 0/);
    expect(() => resolveConfig('quick', { freeNatsConvention: 'x' as never })).toThrow(
      /clampPerStep, hingePerStep, clampMean/,
    );
    expect(() => resolveConfig('quick', { imageLossMask: { kind: 'resize', size: 24 } })).toThrow(
      /divisor of 64/,
    );
    expect(() => resolveConfig('quick', { overshooting: { distance: 2, betas: [1] } })).toThrow(
      /overshooting.betas/,
    );
    expect(() => resolveConfig('nope' as never)).toThrow(/preset/);
  });

  it('overshooting betas default to 1 per distance', () => {
    expect(overshootingBetas(resolveConfig('debug', { overshooting: { distance: 3 } }))).toEqual([
      1, 1, 1,
    ]);
  });
});

describe('configs saved before a field existed', () => {
  it('upgradeConfig fills imageEvery = 1 and keeps saved values; canonicalJson ignores key order', () => {
    const { imageEvery: _dropped, ...old } = resolveConfig('quick');
    const upgraded = upgradeConfig(old as WorldModelConfig);
    expect(upgraded.imageEvery).toBe(1);
    expect(canonicalJson(upgraded)).toBe(canonicalJson(resolveConfig('quick')));
    expect(JSON.stringify(upgraded)).not.toBe(JSON.stringify(resolveConfig('quick')));
    expect(upgradeConfig(resolveConfig('quick', { imageEvery: 3 })).imageEvery).toBe(3);
    const { lrWarmup: _none, ...beforeWarmup } = resolveConfig('quick');
    expect(upgradeConfig(beforeWarmup as WorldModelConfig).lrWarmup).toBe(0);
    expect(canonicalJson({ b: [2, { d: 1, c: 0 }], a: 1 })).toBe('{"a":1,"b":[2,{"c":0,"d":1}]}');
  });

  it('fills objective = reconstruction, also inside a study design config (upgradeLatentDesign)', () => {
    const { objective: _dropped, ...old } = resolveConfig('debug');
    expect(upgradeConfig(old as WorldModelConfig).objective).toBe('reconstruction');
    const contrastive = resolveConfig('debug', { objective: 'contrastive' });
    expect(upgradeConfig(contrastive).objective).toBe('contrastive');
    const design = { shareLatent: false, model: old };
    expect(upgradeLatentDesign(design)).toEqual({
      shareLatent: false,
      model: { ...old, objective: 'reconstruction' },
    });
    // A config without a world model (a video design) is returned as it was.
    const video = { inputFrames: 2 };
    expect(upgradeLatentDesign(video)).toBe(video);
  });
});
