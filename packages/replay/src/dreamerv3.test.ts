import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Episode } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { readDatasetManifest, readListedEpisode } from './dataset-manifest';
import { randomSplit } from './dataset-split';
import { DatasetWriter } from './dataset-writer';
import { episodeToDreamerV3 } from './dreamerv3';
import {
  base62Uuid,
  dreamerV3ChunkName,
  dreamerV3Streams,
  exportDreamerV3,
  importDreamerV3,
} from './dreamerv3-files';
import { makeEpisode } from './episode';
import { float16BitsToNumber, numberToFloat16Bits } from './float16';
import { EpisodeFileError, readEpisode, writeNpz } from './npz';
import { CARTPOLE, taggedDataset } from './testing/datasets';
import { pythonWithNumpy, runPythonJson } from './testing/python';
import { temporaryDirectories } from './testing/temp';

const tmp = temporaryDirectories('dreamerv3');
const FIXTURES = join(__dirname, '..', 'fixtures');
const CHUNKS = join(FIXTURES, 'dreamerv3');

// The closed forms of fixtures/make_dreamerv3_fixture.py, over the global step g of a stream.
const pixel = (g: number, y: number, x: number, c: number) =>
  (g * 13 + y * 3 + x * 5 + c * 7) % 256;
const v3Action = (g: number, j: number, last: Set<number>) =>
  last.has(g) ? 0 : (g * 2 + j) / 16 - 0.75;
const v3Reward = (g: number, first: Set<number>) => (first.has(g) ? 0 : ((g % 7) + 1) * 0.125);

/** Checks an imported episode against DreamerV3 rows g0 .. g0+T-1 of the fixture. */
function expectFixtureEpisode(
  episode: Episode,
  g0: number,
  T: number,
  flags: { first: Set<number>; last: Set<number>; terminal: boolean },
) {
  expect(episode.length).toBe(T);
  expect(episode.actionDim).toBe(2);
  expect(episode.imageShape).toEqual([64, 64, 3]);
  expect(episode.state).toBeUndefined(); // `position` is not our state column
  for (let t = 0; t < T; t++) {
    const g = g0 + t;
    for (const [y, x, c] of [
      [0, 0, 0],
      [17, 40, 2],
      [63, 63, 1],
    ]) {
      expect(episode.image![((t * 64 + y) * 64 + x) * 3 + c]).toBe(pixel(g, y, x, c));
    }
    // Our row t holds the action that led to it: DreamerV3's action of row g - 1.
    for (let j = 0; j < 2; j++) {
      expect(episode.action[t * 2 + j]).toBe(t === 0 ? 0 : v3Action(g - 1, j, flags.last));
    }
    expect(episode.reward[t]).toBe(v3Reward(g, flags.first));
    expect(episode.discount[t]).toBe(flags.terminal && t === T - 1 ? 0 : 1);
  }
}

function importInto(inputs: string[], options = {}) {
  const dir = tmp();
  const writer = DatasetWriter.open(dir, CARTPOLE);
  try {
    return { dir, report: importDreamerV3(inputs, writer, options) };
  } finally {
    writer.close();
  }
}

/** The action columns of the (A = 2) tagged episodes with row 0 zeroed. */
const zeroRow0 = (x: number, k: number) => (k < 2 ? 0 : x);

const episodes = (dir: string) =>
  readDatasetManifest(dir).episodes.map((e) => readListedEpisode(dir, e));

describe('DreamerV3 import (numpy-written fixtures)', () => {
  it('rebuilds episodes across linked chunks, float16 columns decoded, partial ones skipped', () => {
    const { dir, report } = importInto([CHUNKS]);
    expect(report).toEqual({ files: 2, added: 2, duplicates: 0, discardedRows: 3 });
    const [first, second] = episodes(dir);
    const flags = { first: new Set([2, 7, 11]), last: new Set([1, 6, 10]) };
    expectFixtureEpisode(first, 2, 5, { ...flags, terminal: false });
    expectFixtureEpisode(second, 7, 4, { ...flags, terminal: true }); // crosses the two chunks
    expect(readDatasetManifest(dir).episodes.map((e) => [e.source, e.origin])).toEqual([
      ['dreamerv3', `${readdirSync(CHUNKS).sort()[0]}:2`],
      ['dreamerv3', `${readdirSync(CHUNKS).sort()[0]}:7`],
    ]);
  });

  it('loads a single DreamerV3-style episode file; importing again adds nothing', () => {
    const file = join(FIXTURES, 'dreamerv3-episode.npz');
    const { dir, report } = importInto([file], { source: 'v3' });
    expect(report).toEqual({ files: 1, added: 1, duplicates: 0, discardedRows: 0 });
    const first = new Set([0]);
    const last = new Set([4]);
    expectFixtureEpisode(episodes(dir)[0], 0, 5, { first, last, terminal: true });
    const writer = DatasetWriter.open(dir, CARTPOLE);
    expect(importDreamerV3([file], writer)).toMatchObject({ added: 0, duplicates: 1 });
    writer.close();
  });

  it('orders chunks by successor links whatever order they are given in', () => {
    const files = readdirSync(CHUNKS)
      .sort()
      .map((f) => join(CHUNKS, f));
    expect(dreamerV3Streams([files[1], 'loose.npz', files[0]])).toEqual([
      [files[0], files[1]],
      ['loose.npz'],
    ]);
    // The fixture's uuids are base62 of 1234567 and 7654321, written by the python script.
    const bytes = (n: number) => Buffer.from(n.toString(16).padStart(32, '0'), 'hex');
    expect(readdirSync(CHUNKS).sort()[0]).toContain(`-${base62Uuid(bytes(1234567))}-`);
    expect(readdirSync(CHUNKS).sort()[1]).toContain(`-${base62Uuid(bytes(7654321))}-`);
    expect(
      dreamerV3ChunkName(5, new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), 'u'.repeat(22)),
    ).toBe(`20240102T030405F678000-${'u'.repeat(22)}-${'0'.repeat(22)}-5.npz`);
  });

  it('names a file that is not a DreamerV3 episode, and what is wrong in one', () => {
    const v1 = join(FIXTURES, 'dreamer-episode.npz');
    expect(() => importInto([v1])).toThrow(EpisodeFileError);
    expect(() => importInto([v1])).toThrow(
      `${v1}: missing key 'is_first' (a DreamerV3 episode needs is_first, is_last, is_terminal, reward, action and an image (uint8 [T,H,W,C]) or state)`,
    );
    const dir = tmp();
    const flag = (values: number[]) => ({
      dtype: '|b1' as const,
      shape: [3],
      data: Uint8Array.from(values),
    });
    const frames = { dtype: '|u1' as const, shape: [3, 2, 2, 3], data: new Uint8Array(36) };
    const base = {
      action: { dtype: '<f4' as const, shape: [3, 1], data: new Float32Array(3) },
      reward: { dtype: '<f4' as const, shape: [3], data: new Float32Array(3) },
      is_first: flag([1, 0, 0]),
      is_last: flag([0, 0, 1]),
    };
    const early = join(dir, 'early-terminal.npz');
    writeNpz(early, { ...base, is_terminal: flag([0, 1, 1]), image: frames });
    expect(() => importInto([early])).toThrow(
      `${early}: row 1 is terminal but not the episode's last (is_last is not set)`,
    );
    const twoCameras = join(dir, 'two-cameras.npz');
    writeNpz(twoCameras, { ...base, is_terminal: flag([0, 0, 0]), left: frames, right: frames });
    expect(() => importInto([twoCameras])).toThrow(
      'several image keys (left, right); choose one with --image-key',
    );
    const { report } = importInto([twoCameras], { imageKey: 'right' });
    expect(report.added).toBe(1);
    const misnamed = join(dir, `20240101T000000F000000-${'1'.repeat(22)}-${'0'.repeat(22)}-4.npz`);
    writeNpz(misnamed, { ...base, is_terminal: flag([0, 0, 0]), image: frames });
    expect(() => importInto([misnamed])).toThrow('its name says 4 rows, it holds 3');
  });
});

describe('DreamerV3 export', () => {
  it('shifts actions back, sets the flags, and imports back unchanged', () => {
    const source = taggedDataset(tmp(), [
      [1, 5, 'random'],
      [2, 8, 'oracle'],
    ]);
    const out = join(tmp(), 'v3');
    const report = exportDreamerV3(source, out);
    expect(report.files).toHaveLength(2);
    expect(readdirSync(out).sort()).toEqual(report.files); // names sort in dataset order
    const { dir } = importInto([out]);
    const original = episodes(source);
    const back = episodes(dir);
    for (let i = 0; i < 2; i++) {
      expect(Buffer.compare(back[i].image!, original[i].image!)).toBe(0);
      expect(Array.from(back[i].reward)).toEqual(Array.from(original[i].reward));
      expect(Array.from(back[i].discount)).toEqual(Array.from(original[i].discount));
      // Row 0's action is zero by our convention and has no place in DreamerV3's layout; the
      // tagged test episodes put a tag there, so it comes back as zero.
      expect(Array.from(back[i].action)).toEqual(Array.from(original[i].action, zeroRow0));
    }
    expect(() => exportDreamerV3(source, out)).toThrow(/already holds .npz files/);
  });

  it('float16 export rounds to nearest even; one split can be exported', () => {
    const source = taggedDataset(
      tmp(),
      Array.from({ length: 4 }, (_, t) => [t, 6, 'random'] as const),
    );
    randomSplit(source, { seed: 0, testFraction: 0.25 });
    const out = join(tmp(), 'v3');
    expect(exportDreamerV3(source, out, { split: 'train', float16: true }).files).toHaveLength(3);
    const { dir } = importInto([out]);
    const f16 = (x: number) => float16BitsToNumber(numberToFloat16Bits(x));
    const train = readDatasetManifest(source).episodes.filter((e) => e.split === 'train');
    episodes(dir).forEach((episode, i) => {
      const original = readEpisode(join(source, train[i].file));
      expect(Array.from(episode.reward)).toEqual(Array.from(original.reward, f16));
      expect(Array.from(episode.action)).toEqual(
        Array.from(original.action, (x, k) => f16(zeroRow0(x, k))),
      );
    });
  });

  it('refuses discounts DreamerV3 cannot store and float16 overflow', () => {
    const episode = makeEpisode({
      state: new Float32Array(3),
      action: new Float32Array(3),
      reward: new Float32Array(3),
      discount: Float32Array.from([1, 0.5, 1]),
    });
    expect(() => episodeToDreamerV3(episode)).toThrow(
      'discount[1] = 0.5; DreamerV3 stores only terminal flags (allowed discounts: 0 or 1)',
    );
    const large = makeEpisode({
      state: new Float32Array(2),
      action: new Float32Array(2),
      reward: Float32Array.from([0, 70000]),
      discount: new Float32Array(2).fill(1),
    });
    expect(episodeToDreamerV3(large).reward.data).toEqual(Float32Array.from([0, 70000]));
    expect(() => episodeToDreamerV3(large, { float16: true })).toThrow(
      'reward value 70000 does not fit float16 (allowed: |x| <= 65504); export without --float16',
    );
  });

  it.skipIf(!pythonWithNumpy())('numpy reads our export: keys, dtypes, flags, actions', () => {
    const source = taggedDataset(tmp(), [[3, 4, 'random']]); // tagged episodes end terminal
    const f32 = join(tmp(), 'f32');
    const f16 = join(tmp(), 'f16');
    exportDreamerV3(source, f32);
    exportDreamerV3(source, f16, { float16: true });
    const script = `
import json, os, sys, numpy as np
def load(d):
    (name,) = sorted(os.listdir(d))
    return np.load(os.path.join(d, name))
a, h = load(sys.argv[1]), load(sys.argv[2])
print(json.dumps({
    "keys": sorted(a.files),
    "dtypes": {k: a[k].dtype.str for k in a.files},
    "dtypes16": {k: h[k].dtype.str for k in h.files},
    "shapes": {k: list(a[k].shape) for k in a.files},
    "flags": [a[k].astype(int).tolist() for k in ("is_first", "is_last", "is_terminal")],
    "action": a["action"].tolist(),
    "reward": a["reward"].tolist(),
    "image_sum": int(a["image"].astype(np.int64).sum()),
    "f16_is_numpy_rounding": bool(np.array_equal(h["action"], a["action"].astype(np.float16))
        and np.array_equal(h["reward"], a["reward"].astype(np.float16))),
}))`;
    const got = runPythonJson(script, [f32, f16]) as Record<string, unknown>;
    const episode = readEpisode(join(source, 'random-000000-4.npz'));
    expect(got.keys).toEqual(['action', 'image', 'is_first', 'is_last', 'is_terminal', 'reward']);
    expect(got.dtypes).toMatchObject({
      action: '<f4',
      reward: '<f4',
      image: '|u1',
      is_first: '|b1',
    });
    expect(got.dtypes16).toMatchObject({ action: '<f2', reward: '<f2', is_terminal: '|b1' });
    expect(got.shapes).toMatchObject({ action: [4, 2], image: [4, 64, 64, 3], is_last: [4] });
    expect(got.flags).toEqual([
      [1, 0, 0, 0],
      [0, 0, 0, 1],
      [0, 0, 0, 1],
    ]);
    // DreamerV3 row t holds the action taken there: our row t + 1; none on the last row.
    const ours = (t: number) => Array.from(episode.action.subarray(t * 2, t * 2 + 2));
    expect(got.action).toEqual([ours(1), ours(2), ours(3), [0, 0]]);
    expect(got.reward).toEqual(Array.from(episode.reward));
    expect(got.image_sum).toBe(episode.image!.reduce((a, b) => a + b, 0));
    expect(got.f16_is_numpy_rounding).toBe(true);
  });
});
