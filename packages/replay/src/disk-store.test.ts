import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { readDatasetManifest } from './dataset-manifest';
import { DiskEpisodeStore } from './disk-store';
import { EpisodeBuffer } from './episode-buffer';
import { listEpisodeFiles } from './episode-files';
import { writeEpisode } from './npz';
import { taggedDataset, taggedReturn } from './testing/datasets';
import { FRAME, taggedEpisode } from './testing/tagged-episode';
import { temporaryDirectories } from './testing/temp';

const tmp = temporaryDirectories('disk');
const LENGTHS = [30, 12, 45, 8, 60, 25];
const EPISODE_BYTES = (T: number) => T * (FRAME + 8 + 4 + 4);

function fill(dir: string) {
  LENGTHS.forEach((T, tag) =>
    writeEpisode(join(dir, `ep-${tag}.npz`), taggedEpisode(tag, T), { compress: tag % 3 === 2 }),
  );
}

describe('DiskEpisodeStore', () => {
  it('indexes lengths from headers without loading episodes', () => {
    const dir = tmp();
    fill(dir);
    const store = DiskEpisodeStore.open(dir, { cacheBytes: 0 });
    expect(store.episodeLengths()).toEqual(LENGTHS);
    expect(store.numSteps).toBe(LENGTHS.reduce((a, b) => a + b, 0));
    expect(store.files().map((f) => f.return)).toEqual(
      LENGTHS.map((T, tag) => T * tag * 1000 + (T * (T - 1)) / 2),
    );
    expect(store.spec).toEqual({ actionDim: 2, imageShape: [64, 64, 3], stateDim: undefined });
    expect(store.cacheStats.misses).toBe(0);
  });

  it('samples the same batches as the in-memory buffer, with a bounded cache', () => {
    const dir = tmp();
    fill(dir);
    const cacheBytes = EPISODE_BYTES(60) + 1000;
    const store = DiskEpisodeStore.open(dir, { cacheBytes });
    const memory = new EpisodeBuffer({ capacitySteps: 10_000 });
    LENGTHS.forEach((T, tag) => memory.add(taggedEpisode(tag, T)));
    const a = new Rng(9);
    const b = new Rng(9);
    for (let i = 0; i < 6; i++) {
      const fromDisk = store.sample(12, 8, a);
      const fromMemory = memory.sample(12, 8, b);
      expect(Array.from(fromDisk.reward)).toEqual(Array.from(fromMemory.reward));
      expect(Array.from(fromDisk.action)).toEqual(Array.from(fromMemory.action));
      expect(Array.from(fromDisk.discount)).toEqual(Array.from(fromMemory.discount));
      expect(Buffer.compare(Buffer.from(fromDisk.image!), Buffer.from(fromMemory.image!))).toBe(0);
      expect(store.cacheStats.bytes).toBeLessThanOrEqual(cacheBytes);
    }
    // Verified stored files evicted from the cache are read row by row from disk.
    expect(store.cacheStats.evictions).toBeGreaterThan(0);
    expect(store.cacheStats.directReads).toBeGreaterThan(0);
  });

  it('picks up appended episodes and refreshes from other writers', () => {
    const dir = tmp();
    const store = DiskEpisodeStore.open(dir);
    expect(() => store.sample(1, 1, new Rng(0))).toThrow(/empty/);
    const name = store.append(taggedEpisode(1, 20));
    expect(name).toMatch(/^\d{8}T\d{6}-[0-9a-f]{32}-20\.npz$/);
    writeEpisode(join(dir, 'zz-other.npz'), taggedEpisode(2, 30));
    expect(store.numEpisodes).toBe(1);
    expect(store.refresh().added).toEqual(['zz-other.npz']);
    expect(store.episodeLengths()).toEqual([20, 30]);
    const reopened = DiskEpisodeStore.open(dir);
    expect(reopened.numSteps).toBe(50);
  });

  it('reports damaged files by name and never samples from them', () => {
    const dir = tmp();
    fill(dir);
    const good = readFileSync(join(dir, 'ep-0.npz'));
    writeFileSync(join(dir, 'ep-7-truncated.npz'), good.subarray(0, good.length - 50));
    const flipped = Buffer.from(readFileSync(join(dir, 'ep-4.npz')));
    flipped[5000] ^= 0x55; // frame data of a stored file: the structure still parses
    writeFileSync(join(dir, 'ep-4.npz'), flipped);
    const reported: string[] = [];
    const store = DiskEpisodeStore.open(dir, {
      onSkip: (file, reason) => reported.push(`${file}|${reason}`),
    });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatch(/^ep-7-truncated\.npz\|.*ep-7-truncated\.npz: .*truncated/);
    expect(store.numEpisodes).toBe(6);
    const rng = new Rng(1);
    for (let i = 0; i < 10; i++) {
      const batch = store.sample(10, 8, rng);
      for (let r = 0; r < batch.reward.length; r++)
        expect(Math.floor(batch.reward[r] / 1000)).not.toBe(4);
    }
    expect(reported).toHaveLength(2);
    expect(reported[1]).toMatch(/^ep-4\.npz\|.*ep-4\.npz: entry image\.npy: CRC-32 mismatch/);
    expect(store.episodeLengths()).toEqual([30, 12, 45, 8, 25]);
    expect(listEpisodeFiles(dir)).toContain('ep-4.npz'); // reported, not deleted
  });

  it('rejects an episode whose shapes differ from the store', () => {
    const dir = tmp();
    const store = DiskEpisodeStore.open(dir);
    store.append(taggedEpisode(0, 5));
    expect(() => store.append(taggedEpisode(1, 5, { state: true }))).toThrow(
      'DiskEpisodeStore.append: episode has state dim 2, expected none',
    );
  });
});

describe('DiskEpisodeStore on a dataset (manifest.json)', () => {
  const dataset = () =>
    taggedDataset(
      tmp(),
      LENGTHS.map((T, tag) => [tag, T, 'random'] as const),
    );

  it('indexes lengths, returns and shapes from the manifest without opening the files', () => {
    const dir = dataset();
    // Break every file's zip directory (its end) in place: indexing from the files would fail.
    for (const e of readDatasetManifest(dir).episodes) {
      const bytes = readFileSync(join(dir, e.file));
      bytes.fill(0, bytes.length - 22);
      writeFileSync(join(dir, e.file), bytes);
    }
    const store = DiskEpisodeStore.open(dir, { cacheBytes: 0 });
    expect(store.isDataset).toBe(true);
    expect(store.episodeLengths()).toEqual(LENGTHS);
    expect(store.files().map((f) => f.return)).toEqual(
      LENGTHS.map((T, tag) => taggedReturn(tag, T)),
    );
    expect(store.spec).toEqual({ actionDim: 2, imageShape: [64, 64, 3] });
    expect(store.skipped).toEqual([]);
    expect(store.cacheStats.misses).toBe(0);
  });

  it('samples the same batches as the in-memory buffer (columns located on first direct read)', () => {
    const dir = dataset();
    const store = DiskEpisodeStore.open(dir, { cacheBytes: EPISODE_BYTES(60) + 1000 });
    const memory = new EpisodeBuffer({ capacitySteps: 10_000 });
    LENGTHS.forEach((T, tag) => memory.add(taggedEpisode(tag, T)));
    const a = new Rng(4);
    const b = new Rng(4);
    for (let i = 0; i < 6; i++) {
      const fromDisk = store.sample(12, 8, a);
      const fromMemory = memory.sample(12, 8, b);
      expect(Array.from(fromDisk.action)).toEqual(Array.from(fromMemory.action));
      expect(Buffer.compare(Buffer.from(fromDisk.image!), Buffer.from(fromMemory.image!))).toBe(0);
    }
    expect(store.cacheStats.directReads).toBeGreaterThan(0);
    expect(() => store.append(taggedEpisode(9, 5))).toThrow(/add episodes with a DatasetWriter/);
  });

  it('a missing file is skipped at open and a changed one on first load, both by name', () => {
    const dir = dataset();
    const [, second, , , fifth] = readDatasetManifest(dir).episodes;
    rmSync(join(dir, second.file));
    const bytes = readFileSync(join(dir, fifth.file));
    bytes[5000] ^= 0x55; // same size, so only the sha256 tells
    writeFileSync(join(dir, fifth.file), bytes);
    const reported: string[] = [];
    const store = DiskEpisodeStore.open(dir, {
      onSkip: (file, why) => reported.push(`${file}|${why}`),
    });
    expect(reported).toEqual([
      `${second.file}|${join(dir, second.file)}: is listed in manifest.json but missing`,
    ]);
    expect(store.numEpisodes).toBe(5);
    const rng = new Rng(2);
    for (let i = 0; i < 10; i++) {
      const batch = store.sample(10, 8, rng);
      for (let r = 0; r < batch.reward.length; r++) {
        expect(Math.floor(batch.reward[r] / 1000)).not.toBe(4); // tag 4 = the fifth episode
      }
    }
    expect(reported[1]).toMatch(
      new RegExp(
        `^${fifth.file}\\|${join(dir, fifth.file)}: sha256 is [0-9a-f]{64}, manifest.json lists`,
      ),
    );
  });
});
