import { UsageError } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { applyConfigSets } from './config-set.js';

const base = {
  updatesPerEpisode: 25,
  maxEpisodes: null as number | null,
  planner: { horizon: 12, candidates: 100 },
  dreamer: { actorLr: 3e-4, actorHidden: [128, 128], valueEstimate: 'lambda' },
};

describe('applyConfigSets', () => {
  it('sets top-level and nested fields by dotted path, reading values as JSON or text', () => {
    const out = applyConfigSets(base, [
      'updatesPerEpisode=50',
      'planner.candidates=1000',
      'dreamer.actorLr=8e-5',
      'dreamer.actorHidden=[400,400,400]',
      'dreamer.valueEstimate=reward',
      'maxEpisodes=30',
    ]);
    expect(out).toEqual({
      updatesPerEpisode: 50,
      maxEpisodes: 30,
      planner: { horizon: 12, candidates: 1000 },
      dreamer: { actorLr: 8e-5, actorHidden: [400, 400, 400], valueEstimate: 'reward' },
    });
    // The input is not modified.
    expect(base.planner.candidates).toBe(100);
  });

  it('rejects unknown fields, type changes and malformed text with one message naming them', () => {
    const cases: [string, RegExp][] = [
      ['updates=5', /no config field 'updates'; allowed: updatesPerEpisode, maxEpisodes/],
      ['planner.J=5', /'planner' has no field 'J'; allowed: horizon, candidates/],
      ['dreamer.actorHidden=3', /holds a list .* not a number/],
      ['planner=3', /holds a group of fields/],
      ['updatesPerEpisode.x=3', /'updatesPerEpisode' is a value/],
      ['updatesPerEpisode', /write --set PATH=VALUE/],
    ];
    for (const [text, message] of cases) {
      expect(() => applyConfigSets(base, [text])).toThrow(UsageError);
      expect(() => applyConfigSets(base, [text])).toThrow(message);
    }
  });
});
