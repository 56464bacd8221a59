import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetUsageError } from './dataset-errors';
import { MANIFEST_FILE, readDatasetManifest } from './dataset-manifest';
import { verifyDataset } from './dataset-verify';
import { EpisodeFileError, writeEpisode } from './npz';
import { taggedDataset } from './testing/datasets';
import { taggedEpisode } from './testing/tagged-episode';
import { temporaryDirectories } from './testing/temp';

const tmp = temporaryDirectories('verify');
const three = () =>
  taggedDataset(tmp(), [
    [1, 5, 'random'],
    [2, 6, 'oracle'],
    [3, 7, 'random'],
  ]);

describe('verifyDataset', () => {
  it('passes a dataset as written', () => {
    const dir = three();
    expect(verifyDataset(dir)).toEqual({ dir, ok: 3, problems: [] });
  });

  it('names a changed, a missing and an unlisted file', () => {
    const dir = three();
    const changed = join(dir, 'oracle-000001-6.npz');
    const bytes = readFileSync(changed);
    bytes[200] ^= 0xff;
    writeFileSync(changed, bytes);
    rmSync(join(dir, 'random-000002-7.npz'));
    writeEpisode(join(dir, 'extra.npz'), taggedEpisode(9, 4));
    const report = verifyDataset(dir);
    expect(report.ok).toBe(1);
    expect(report.problems.map((p) => p.file)).toEqual([
      changed,
      join(dir, 'random-000002-7.npz'),
      join(dir, 'extra.npz'),
    ]);
    expect(report.problems[0].problem).toMatch(
      /^sha256 is [0-9a-f]{64}, manifest.json lists [0-9a-f]{64} \(changed or damaged/,
    );
    expect(report.problems[1].problem).toBe(`is listed in ${MANIFEST_FILE} but missing`);
    expect(report.problems[2].problem).toMatch(/^is not listed in manifest.json/);
  });

  it('catches a manifest whose length or return disagrees with the file', () => {
    const dir = three();
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
    manifest.episodes[0].return += 1;
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
    expect(verifyDataset(dir).problems).toEqual([
      {
        file: join(dir, 'random-000000-5.npz'),
        problem: `has 5 rows and return 5010, ${MANIFEST_FILE} lists 5 and 5011`,
      },
    ]);
  });

  it('a damaged or hand-broken manifest is a file error naming the field', () => {
    const dir = three();
    const path = join(dir, MANIFEST_FILE);
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, good.slice(0, 100));
    expect(() => readDatasetManifest(dir)).toThrow(EpisodeFileError);
    expect(() => readDatasetManifest(dir)).toThrow(new RegExp(`^${path}: not valid JSON`));
    const counts = JSON.parse(good);
    counts.sources.random.episodes = 5;
    writeFileSync(path, JSON.stringify(counts));
    expect(() => readDatasetManifest(dir)).toThrow(
      `${path}: sources = {"oracle":{"episodes":1,"steps":6},"random":{"episodes":5,"steps":12}} is invalid; allowed: the counts of the listed episodes`,
    );
    const sha = JSON.parse(good);
    sha.episodes[1].sha256 = 'abc';
    writeFileSync(path, JSON.stringify(sha));
    expect(() => readDatasetManifest(dir)).toThrow(
      `${path}: episodes[1].sha256 = "abc" is invalid; allowed: 64 lowercase hex digits`,
    );
    rmSync(path);
    expect(() => verifyDataset(dir)).toThrow(DatasetUsageError);
    expect(() => verifyDataset(dir)).toThrow(`${dir}: not a dataset (no manifest.json)`);
  });
});
