import { join } from 'node:path';
import { Rng, ValidationError } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { DatasetUsageError } from './dataset-errors';
import { readDatasetManifest } from './dataset-manifest';
import { optimismSplit, randomSplit } from './dataset-split';
import { DiskEpisodeStore } from './disk-store';
import { taggedDataset, taggedReturn } from './testing/datasets';
import { temporaryDirectories } from './testing/temp';

const tmp = temporaryDirectories('split');
/** 20 episodes with tags 0..19, 6 rows each, alternating sources. */
const twenty = () =>
  taggedDataset(
    tmp(),
    Array.from({ length: 20 }, (_, tag) => [tag, 6, tag % 2 ? 'oracle' : 'random'] as const),
  );
const filesOf = (dir: string, split: 'train' | 'test') =>
  readDatasetManifest(dir)
    .episodes.filter((e) => e.split === split)
    .map((e) => e.file)
    .sort();

describe('randomSplit', () => {
  it('is deterministic by seed, covers every episode once and records itself', () => {
    const a = twenty();
    const b = twenty();
    const c = twenty();
    expect(randomSplit(a, { seed: 3, testFraction: 0.25 })).toEqual({
      method: 'random',
      seed: 3,
      testFraction: 0.25,
      train: 15,
      test: 5,
    });
    randomSplit(b, { seed: 3, testFraction: 0.25 });
    randomSplit(c, { seed: 4, testFraction: 0.25 });
    expect(filesOf(a, 'test')).toEqual(filesOf(b, 'test')); // same names, same seed
    expect(filesOf(a, 'test')).not.toEqual(filesOf(c, 'test'));
    const all = readDatasetManifest(a).episodes.map((e) => e.file);
    expect([...filesOf(a, 'test'), ...filesOf(a, 'train')].sort()).toEqual([...all].sort());
    expect(readDatasetManifest(a).split).toMatchObject({ method: 'random', train: 15, test: 5 });
  });

  it('round(fraction * n) test episodes, drawn uniformly (each episode in test ~ fraction)', () => {
    // Over 200 seeds each of the 20 episodes should land in test about 0.25 * 200 = 50 times
    // (binomial sd sqrt(200 * 0.25 * 0.75) = 6.1); a bias to the first or last names shows here.
    const dir = twenty();
    const hits = new Map<string, number>();
    for (let seed = 0; seed < 200; seed++) {
      randomSplit(dir, { seed, testFraction: 0.25, force: true });
      const test = filesOf(dir, 'test');
      expect(test).toHaveLength(5);
      for (const f of test) hits.set(f, (hits.get(f) ?? 0) + 1);
    }
    expect(hits.size).toBe(20);
    for (const count of hits.values()) expect(Math.abs(count - 50)).toBeLessThan(25); // 4 sd
  });

  it('refuses to replace a split without force, and splits that leave a side empty', () => {
    const dir = twenty();
    randomSplit(dir, { seed: 0, testFraction: 0.1 });
    expect(() => randomSplit(dir, { seed: 1, testFraction: 0.1 })).toThrow(
      `split: ${dir} is already split (random, seed 0, test fraction 0.1); pass --force to replace that split`,
    );
    expect(randomSplit(dir, { seed: 1, testFraction: 0.1, force: true })).toMatchObject({
      seed: 1,
    });
    expect(() => randomSplit(dir, { seed: 0, testFraction: 0.01, force: true })).toThrow(
      'split: test fraction 0.01 of 20 episodes puts 0 in test; allowed: a fraction with 1 <= round(fraction * 20) <= 19',
    );
    expect(() => randomSplit(dir, { seed: 0, testFraction: 1 })).toThrow(ValidationError);
    expect(() => randomSplit(dir, { seed: -1, testFraction: 0.5 })).toThrow(/seed = -1/);
    const empty = taggedDataset(tmp(), []);
    expect(() => randomSplit(empty, { seed: 0, testFraction: 0.1 })).toThrow(
      new DatasetUsageError(
        `split: ${empty} has 0 episodes; a split needs at least 2 (one train, one test)`,
      ),
    );
    expect(() => randomSplit(join(empty, 'nope'), { seed: 0, testFraction: 0.1 })).toThrow(
      /nope: no such dataset directory/,
    );
  });
});

describe('optimismSplit', () => {
  // Ten episodes of 4 rows with tags 0..9: returns 4000 * tag + 6.
  const ten = () =>
    taggedDataset(
      tmp(),
      Array.from({ length: 10 }, (_, tag) => [tag, 4, 'random'] as const),
    );
  const returns = (dir: string, split: 'train' | 'test') =>
    readDatasetManifest(dir)
      .episodes.filter((e) => e.split === split)
      .map((e) => e.return)
      .sort((a, b) => a - b);

  it('puts returns >= threshold in test and the rest in train', () => {
    const dir = ten();
    expect(taggedReturn(7, 4)).toBe(28006);
    expect(optimismSplit(dir, { threshold: 28006 })).toEqual({
      method: 'optimism',
      threshold: 28006,
      train: 7,
      test: 3,
    });
    expect(returns(dir, 'test')).toEqual([28006, 32006, 36006]);
    expect(returns(dir, 'train')).toEqual([6, 4006, 8006, 12006, 16006, 20006, 24006]);
  });

  it('a quantile threshold is numpy-style linear percentile of the returns', () => {
    const dir = ten();
    // h = (10 - 1) * 0.75 = 6.75 -> 24006 + 0.75 * 4000 = 27006
    expect(optimismSplit(dir, { quantile: 0.75 })).toMatchObject({
      threshold: 27006,
      quantile: 0.75,
      train: 7,
      test: 3,
    });
  });

  it('refuses thresholds that leave a side empty and ambiguous options', () => {
    const dir = ten();
    expect(() => optimismSplit(dir, { threshold: 36007 })).toThrow(
      `optimism: threshold 36007 leaves test empty; the returns of ${dir} span 6 to 36006; allowed: a threshold in (6, 36006]`,
    );
    expect(() => optimismSplit(dir, { threshold: 6 })).toThrow(/leaves train empty/);
    expect(() => optimismSplit(dir, {})).toThrow(ValidationError);
    expect(() => optimismSplit(dir, { threshold: 1, quantile: 0.5 })).toThrow(
      /exactly one of a return threshold and a quantile/,
    );
    expect(() => optimismSplit(dir, { quantile: 1 })).toThrow(/quantile = 1 is invalid/);
    const same = taggedDataset(tmp(), [
      [1, 4, 'random'],
      [1, 4, 'random'],
    ]);
    expect(() => optimismSplit(same, { quantile: 0.5 })).toThrow(
      /quantile 0.5 \(return 4006\) leaves train empty/,
    );
  });
});

describe('a split loaded for sampling', () => {
  it('DiskEpisodeStore with split samples only that split', () => {
    const dir = twenty();
    randomSplit(dir, { seed: 7, testFraction: 0.25 });
    const testTags = new Set(
      readDatasetManifest(dir)
        .episodes.filter((e) => e.split === 'test')
        .map((e) => (e.return - 15) / 6000), // return = 6 * 1000 * tag + 15
    );
    expect(testTags.size).toBe(5);
    for (const split of ['train', 'test'] as const) {
      const store = DiskEpisodeStore.open(dir, { split });
      expect(store.numEpisodes).toBe(split === 'test' ? 5 : 15);
      const batch = store.sample(40, 3, new Rng(1));
      for (let i = 0; i < batch.reward.length; i++) {
        const tag = Math.floor(batch.reward[i] / 1000);
        expect(testTags.has(tag)).toBe(split === 'test');
      }
    }
    const unsplit = twenty();
    expect(() => DiskEpisodeStore.open(unsplit, { split: 'train' })).toThrow(
      `${unsplit}: has no train/test split`,
    );
  });
});
