import { PRESET_NAMES, documentedFields, valueAt } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { presetsOf, resolveRunConfig } from '../registry.js';
import {
  type LearnedStudyRunConfig,
  type OracleStudyRunConfig,
  STUDY_AGENT_DESIGNS,
  type StudyRunConfig,
} from './config.js';

/** Dotted paths of every value of a config (lists are values). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

const resolve = (design: string, preset: 'paper' | 'quick' | 'debug', extra = {}) =>
  resolveRunConfig('study', preset, 'cartpole-swingup', 0, {
    design,
    ...extra,
  } as never) as StudyRunConfig;

describe("the study's run configs", () => {
  it('every design resolves every preset, and every field of its table has a doc', () => {
    for (const design of STUDY_AGENT_DESIGNS) {
      const docs = documentedFields(presetsOf('study', design).docs).map((f) => f.path);
      for (const preset of PRESET_NAMES) {
        const config = resolve(design, preset);
        expect(config).toMatchObject({ agent: 'study', design, preset });
        for (const path of leafPaths(config)) {
          const documented = docs.some((d) => path === d || path.startsWith(`${d}.`));
          expect(documented, `${design} ${preset} ${path}`).toBe(true);
        }
        for (const path of docs) expect(valueAt(config, path), `${design} ${path}`).toBeDefined();
      }
    }
  });

  it("paper is Table 10's CEM with action repeat 4 for every design, on every task", () => {
    for (const design of STUDY_AGENT_DESIGNS) {
      for (const task of ['cartpole-swingup', 'walker-walk', 'cheetah-run']) {
        const c = resolveRunConfig('study', 'paper', task, 0, { design } as never);
        expect(c, `${design} ${task}`).toMatchObject({
          actionRepeat: 4,
          planner: { horizon: 12, iterations: 10, candidates: 128, topK: 12 },
        });
      }
    }
    // No --design: the default table is LTLR's.
    expect(resolveRunConfig('study', 'paper', 'cartpole-swingup', 0)).toMatchObject({
      design: 'LTLR',
    });
  });

  it('quick plans with less where an imagined step costs a frame (docs/PERFORMANCE.md)', () => {
    const cem = (design: string) => [design, resolve(design, 'quick').planner];
    expect(['R', 'LTLR', 'LTOR', 'OTOR', 'OTLR', 'Oracle'].map(cem)).toEqual([
      ['R', { horizon: 12, iterations: 5, candidates: 64, topK: 6 }],
      ['LTLR', { horizon: 12, iterations: 5, candidates: 64, topK: 6 }],
      ['LTOR', { horizon: 12, iterations: 3, candidates: 32, topK: 4 }],
      ['OTOR', { horizon: 8, iterations: 2, candidates: 16, topK: 2 }],
      ['OTLR', { horizon: 8, iterations: 2, candidates: 16, topK: 2 }],
      ['Oracle', { horizon: 12, iterations: 5, candidates: 64, topK: 6 }],
    ]);
    const video = resolve('OTOR', 'quick') as LearnedStudyRunConfig<'OTOR'>;
    expect(video.model).toMatchObject({ lstmWidths: [2, 2, 4, 4, 8, 4, 2], batchSize: 8 });
  });

  it('the learned designs train on their paper batch shapes (Tables 11-13)', () => {
    const shape = (design: string) => {
      const c = resolve(design, 'paper') as LearnedStudyRunConfig;
      return c.model as unknown as { batchSize: number };
    };
    expect(shape('OTOR').batchSize).toBe(64);
    expect(shape('LTLR').batchSize).toBe(50);
    expect((resolve('LTLR', 'paper') as LearnedStudyRunConfig<'LTLR'>).model.sequenceLength).toBe(
      12,
    );
    const oracle = resolve('Oracle', 'paper') as OracleStudyRunConfig;
    expect(oracle).toMatchObject({ updatesPerEpisode: 0, seedEpisodes: 0 });
    expect('model' in oracle).toBe(false);
  });

  it('--set reaches the R variant, the latent sharing and the capacity knobs', () => {
    const r = resolve('R', 'debug', { model: { variant: 'R_conv' } }) as LearnedStudyRunConfig<'R'>;
    expect(r.model.variant).toBe('R_conv');
    const shared = resolve('OTLR', 'debug', {
      model: { shareLatent: true, lstmWidths: [1, 1, 2, 2, 4, 2, 1] },
    }) as LearnedStudyRunConfig<'OTLR'>;
    expect(shared.model).toMatchObject({ shareLatent: true, lstmWidths: [1, 1, 2, 2, 4, 2, 1] });
  });

  it('rejects a bad design, a model of another design and an R_conv horizon unlike the plan', () => {
    expect(() => resolve('MuZero', 'debug')).toThrow(
      /design = "MuZero" is invalid; allowed: R, OTOR, OTLR, LTLR, LTOR, Oracle/,
    );
    expect(() => resolve('OTOR', 'debug', { model: { variant: 'R_conv' } })).toThrow(
      /model.variant = "R_conv" is invalid; allowed: a known field/,
    );
    // debug: R_conv predicts 3 rewards at once; a plan of 5 steps cannot be scored.
    expect(() =>
      resolve('R', 'debug', { model: { variant: 'R_conv' }, planner: { horizon: 5 } }),
    ).toThrow(/planner.horizon = 5 is invalid; allowed: 3, the rewards R_conv predicts at once/);
  });
});
