import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregateDatasets } from './dataset-aggregate';
import { DatasetUsageError } from './dataset-errors';
import { readDatasetManifest } from './dataset-manifest';
import { randomSplit } from './dataset-split';
import { verifyDataset } from './dataset-verify';
import { EpisodeFileError } from './npz';
import { taggedDataset, taggedReturn } from './testing/datasets';
import { temporaryDirectories } from './testing/temp';

const tmp = temporaryDirectories('aggregate');

describe('aggregateDatasets', () => {
  it('merges datasets of one task: sources kept, files linked or copied, duplicates once', () => {
    const a = taggedDataset(join(tmp(), 'a'), [
      [1, 5, 'random'],
      [2, 6, 'oracle'],
    ]);
    const b = taggedDataset(join(tmp(), 'b'), [
      [3, 7, 'random'],
      [1, 5, 'random'], // the same episode as a's first: same bytes
      [4, 4, 'planet-seed0'],
    ]);
    randomSplit(b, { seed: 0, testFraction: 0.5 });
    const out = join(tmp(), 'merged');
    const report = aggregateDatasets(out, [a, b], { link: true });
    expect(report).toMatchObject({ out, added: 4, duplicates: 1 });
    expect(report.sources).toEqual({
      oracle: { episodes: 1, steps: 6 },
      'planet-seed0': { episodes: 1, steps: 4 },
      random: { episodes: 2, steps: 12 },
    });
    const manifest = readDatasetManifest(out);
    expect(manifest).toMatchObject({ task: 'cartpole-swingup', actionRepeat: 8, nextIndex: 4 });
    expect(manifest.split).toBeUndefined(); // splits are not carried over
    expect(manifest.episodes.map((e) => [e.file, e.return])).toEqual([
      ['random-000000-5.npz', taggedReturn(1, 5)],
      ['oracle-000001-6.npz', taggedReturn(2, 6)],
      ['random-000002-7.npz', taggedReturn(3, 7)],
      ['planet-seed0-000003-4.npz', taggedReturn(4, 4)],
    ]);
    // Hard links share the inode of the input file (all under one temporary directory here).
    expect(report.linked).toBe(4);
    expect(statSync(join(out, 'oracle-000001-6.npz')).ino).toBe(
      statSync(join(a, 'oracle-000001-6.npz')).ino,
    );
    expect(verifyDataset(out)).toMatchObject({ ok: 4, problems: [] });

    // Copies, and running again adds nothing (interrupted aggregates finish this way).
    const copied = join(tmp(), 'copied');
    expect(aggregateDatasets(copied, [a, b])).toMatchObject({ added: 4, linked: 0 });
    expect(statSync(join(copied, 'random-000000-5.npz')).ino).not.toBe(
      statSync(join(a, 'random-000000-5.npz')).ino,
    );
    expect(aggregateDatasets(copied, [a, b])).toMatchObject({ added: 0, duplicates: 5 });
  });

  it('refuses mixed tasks or action repeats, naming both values and both directories', () => {
    const cartpole = taggedDataset(join(tmp(), 'cartpole'), [[1, 5, 'random']]);
    const reacher = taggedDataset(join(tmp(), 'reacher'), [[1, 5, 'random']], {
      task: 'reacher-easy',
      actionRepeat: 8,
    });
    const repeat4 = taggedDataset(join(tmp(), 'repeat4'), [[1, 5, 'random']], {
      task: 'cartpole-swingup',
      actionRepeat: 4,
    });
    const out = join(tmp(), 'out');
    expect(() => aggregateDatasets(out, [cartpole, reacher])).toThrow(
      new DatasetUsageError(
        `aggregate: ${cartpole} has task cartpole-swingup but ${reacher} has task reacher-easy; only datasets of one task and action repeat can be merged`,
      ),
    );
    expect(() => aggregateDatasets(out, [cartpole, repeat4])).toThrow(
      `aggregate: ${cartpole} has action repeat 8 but ${repeat4} has action repeat 4`,
    );
    expect(existsSync(out)).toBe(false); // refused before writing anything
    expect(() => aggregateDatasets(reacher, [cartpole])).toThrow(
      `${reacher}: holds task reacher-easy, the writer was opened for task cartpole-swingup`,
    );
    expect(() => aggregateDatasets(out, [join(tmp(), 'missing')])).toThrow(
      /missing: no such dataset directory/,
    );
  });

  it('a file changed since its manifest was written is named, not merged', () => {
    const a = taggedDataset(join(tmp(), 'a'), [
      [1, 5, 'random'],
      [2, 5, 'random'],
    ]);
    const victim = join(a, 'random-000001-5.npz');
    const bytes = readFileSync(victim);
    bytes[bytes.length - 30] ^= 1;
    writeFileSync(victim, bytes);
    const out = join(tmp(), 'out');
    expect(() => aggregateDatasets(out, [a])).toThrow(EpisodeFileError);
    expect(() => aggregateDatasets(join(tmp(), 'out2'), [a])).toThrow(
      new RegExp(`^${victim}: sha256 is [0-9a-f]{64}, manifest.json lists`),
    );
  });
});
