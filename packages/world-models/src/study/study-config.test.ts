import { describe, expect, it } from 'vitest';
import { table15Capacity } from './latent-config.js';
import { mergeOverrides } from './overlay.js';
import { STUDY_DESIGNS, STUDY_PRESETS, resolveStudyConfig } from './study-config.js';
import { table14Widths } from './video-config.js';

describe('study configs', () => {
  it('every design resolves at every preset', () => {
    for (const design of STUDY_DESIGNS) {
      for (const preset of STUDY_PRESETS) {
        expect(() => resolveStudyConfig(design, preset), `${design} ${preset}`).not.toThrow();
      }
    }
  });

  it('paper presets carry the values of Tables 8, 11, 12 and 13', () => {
    const r = resolveStudyConfig('R', 'paper');
    expect(r).toMatchObject({
      variant: 'R_recurrent',
      horizon: 12,
      observationFilters: [32, 64, 16, 8],
      encoderUnits: [32, 16, 8],
      lstmUnits: 64,
      learningRate: 1e-3,
      adamEps: 1e-3,
      batchSize: 32,
    });
    const video = resolveStudyConfig('OTOR', 'paper');
    expect(video).toMatchObject({
      shareLatent: false,
      inputFrames: 2,
      predictedFrames: 12,
      klScale: 1e-3,
      latentChannels: 1,
      latentMinLogVar: -5,
      masks: 10,
      reluShift: 1e-12,
      kernelSize: 5,
      learningRate: 1e-3,
      adamEps: 1e-3,
      batchSize: 64,
      rewardScale: 1,
      lstmWidths: [32, 32, 64, 64, 128, 64, 32],
    });
    const ltlr = resolveStudyConfig('LTLR', 'paper');
    expect(ltlr).toMatchObject({ shareLatent: true, batchSize: 50, sequenceLength: 12 });
    expect(ltlr.model).toMatchObject({
      deterSize: 200,
      stochSize: 30,
      hiddenSize: 300,
      rewardHidden: [300, 300, 300],
      freeNats: 3,
      minStd: 0.1,
      learningRate: 1e-3,
      adamEps: 1e-3,
      rewardScale: 10,
    });
    expect(resolveStudyConfig('LTOR', 'paper').shareLatent).toBe(true);
  });

  it('overrides merge field by field at any depth, and the preset stays untouched', () => {
    const r = resolveStudyConfig('R', 'quick', {
      variant: 'R_LL',
      latent: { model: { deterSize: 50 } },
    });
    expect(r.variant).toBe('R_LL');
    expect(r.latent.model.deterSize).toBe(50);
    expect(r.latent.model.hiddenSize).toBe(128); // quick's, not paper's 300
    expect(resolveStudyConfig('R', 'quick').latent.model.deterSize).toBe(128);
    // Tagged objects are replaced whole.
    const crop = resolveStudyConfig('LTLR', 'debug', {
      model: { imageLossMask: { kind: 'centerCrop', size: 32 } },
    });
    expect(crop.model.imageLossMask).toEqual({ kind: 'centerCrop', size: 32 });
  });

  it('names a bad design, preset, unknown field or bad value and what is allowed', () => {
    expect(() => resolveStudyConfig('XYZ' as never)).toThrow(
      /design = "XYZ" is invalid; allowed: R, OTOR/,
    );
    expect(() => resolveStudyConfig('R', 'fast' as never)).toThrow(
      /preset = "fast".*paper, quick, debug/,
    );
    expect(() => resolveStudyConfig('OTLR', 'paper', { lstmWidth: [1] } as never)).toThrow(
      /OTLR.lstmWidth = \[1\] is invalid; allowed: a known field \(shareLatent, /,
    );
    expect(() => resolveStudyConfig('OTLR', 'paper', { lstmWidths: [1, 2, 3] })).toThrow(
      /OTLR.lstmWidths = \[1,2,3\] is invalid; allowed: a list of 7 integers >= 1/,
    );
    expect(() => resolveStudyConfig('OTOR', 'paper', { kernelSize: 4 })).toThrow(
      /OTOR.kernelSize = 4 is invalid; allowed: an odd integer/,
    );
    expect(() => resolveStudyConfig('R', 'paper', { variant: 'R_lstm' as never })).toThrow(
      /R.variant = "R_lstm" is invalid; allowed: R_recurrent, R_conv, R_LL/,
    );
    expect(() => resolveStudyConfig('LTOR', 'paper', { shareLatent: 'no' as never })).toThrow(
      /LTOR.shareLatent = "no" is invalid; allowed: true or false/,
    );
    expect(() => mergeOverrides({ a: 1 }, 3 as never)).toThrow(/overrides = 3/);
  });

  it("capacity knobs: Table 14's widths and Table 15's fc x deterministic units", () => {
    expect(table14Widths(6)).toEqual([32, 32, 64, 64, 128, 64, 32]);
    expect(table14Widths(1)).toEqual([1, 1, 2, 2, 4, 2, 1]);
    expect(table14Widths(3)).toEqual([4, 4, 8, 8, 16, 8, 4]);
    expect(table15Capacity(1)).toEqual({
      hiddenSize: 100,
      rewardHidden: [100, 100, 100],
      deterSize: 200,
    });
    expect(table15Capacity(6)).toEqual({
      hiddenSize: 50,
      rewardHidden: [50, 50, 50],
      deterSize: 50,
    });
    expect(table15Capacity(8)).toEqual({
      hiddenSize: 200,
      rewardHidden: [200, 200, 200],
      deterSize: 100,
    });
    expect(() => table15Capacity(10)).toThrow(/1\.\.9/);
    const small = resolveStudyConfig('LTLR', 'paper', { model: table15Capacity(6) });
    expect([small.model.hiddenSize, small.model.deterSize]).toEqual([50, 50]);
  });
});
