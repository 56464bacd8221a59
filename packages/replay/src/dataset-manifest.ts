/**
 * The dataset directory format: `.npz` episodes (Dreamer-v1 keys image/action/reward/discount)
 * next to `manifest.json`, which names the task and action repeat, counts episodes per source
 * (random, Oracle, a checkpoint, ...), lists every file with its sha256, byte size, length and
 * return, and, once the dataset is split, which split each episode belongs to. The manifest is
 * the dataset's authority: files it does not list are not part of the dataset.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Episode, ValidationError, validator, writeFileAtomic } from '@vmbrl/core';
import { DatasetUsageError } from './dataset-errors';
import { EpisodeFileError, decodeNpz, episodeFromArrays } from './npz';
import type { EpisodeSpec } from './sampling';

export const MANIFEST_FILE = 'manifest.json';
export const DATASET_FORMAT = 'vmbrl-dataset/1';

export type SplitName = 'train' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'test'];

/** One episode file of a dataset. */
export interface DatasetEpisode {
  /** File name inside the dataset directory. */
  file: string;
  /** Which policy produced it (e.g. `random`, `oracle`, `planet-seed0`). */
  source: string;
  bytes: number;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  /** Rows T (observations, the reset row included). */
  length: number;
  /** Sum of rewards. */
  return: number;
  /** Present once the dataset is split. */
  split?: SplitName;
  /** Where the episode was imported from (file and row), so a re-run import skips it. */
  origin?: string;
}

/** Episodes and rows of one source. */
export interface SourceCount {
  episodes: number;
  steps: number;
}

/** How the split was made (the per-episode assignment is in `episodes[].split`). */
export type SplitRecord =
  | { method: 'random'; seed: number; testFraction: number; train: number; test: number }
  | {
      method: 'optimism';
      /** Episodes with return >= threshold are test, the others train. */
      threshold: number;
      /** Set when the threshold was the quantile of the returns. */
      quantile?: number;
      train: number;
      test: number;
    };

export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  task: string;
  actionRepeat: number;
  /** Shapes shared by every episode; absent while the dataset is empty. */
  spec?: EpisodeSpec;
  /** Derived from `episodes` each time the manifest is written. */
  sources: Record<string, SourceCount>;
  /** Index of the next file a writer names (file names never repeat). */
  nextIndex: number;
  episodes: DatasetEpisode[];
  split?: SplitRecord;
}

/** What must agree for episodes to share a dataset. */
export interface DatasetIdentity {
  task: string;
  actionRepeat: number;
}

/** Path of a dataset's manifest. */
export function manifestPath(dir: string): string {
  return join(dir, MANIFEST_FILE);
}

/** True when `dir` holds a manifest (it may still be invalid). */
export function hasManifest(dir: string): boolean {
  return existsSync(manifestPath(dir));
}

/** A new, empty manifest. */
export function emptyManifest(identity: DatasetIdentity): DatasetManifest {
  const check = validator('dataset');
  if (typeof identity.task !== 'string' || identity.task.trim() === '') {
    check.fail('task', identity.task, 'a non-empty task name, e.g. cartpole-swingup');
  }
  check.integer('actionRepeat', identity.actionRepeat, 1);
  return {
    format: DATASET_FORMAT,
    task: identity.task,
    actionRepeat: identity.actionRepeat,
    sources: {},
    nextIndex: 0,
    episodes: [],
  };
}

/** Episodes and rows per source, sources in name order. */
export function countSources(episodes: readonly DatasetEpisode[]): Record<string, SourceCount> {
  const counts: Record<string, SourceCount> = {};
  for (const name of [...new Set(episodes.map((e) => e.source))].sort()) {
    counts[name] = { episodes: 0, steps: 0 };
  }
  for (const e of episodes) {
    counts[e.source].episodes++;
    counts[e.source].steps += e.length;
  }
  return counts;
}

/** Reads and checks `dir/manifest.json`. */
export function readDatasetManifest(dir: string): DatasetManifest {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DatasetUsageError(`${dir}: no such dataset directory`);
  }
  const path = manifestPath(dir);
  if (!existsSync(path)) {
    throw new DatasetUsageError(
      `${dir}: not a dataset (no ${MANIFEST_FILE}); a dataset is made by a DatasetWriter, \`vmbrl-dataset aggregate\` or \`vmbrl-dataset import-dreamerv3\``,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EpisodeFileError(path, `not valid JSON (${(error as Error).message})`);
  }
  try {
    return checkManifest(parsed);
  } catch (error) {
    if (error instanceof ValidationError) throw new EpisodeFileError(path, error.message);
    throw error;
  }
}

/** Writes `dir/manifest.json` atomically, with `sources` recomputed from the episodes. */
export function writeDatasetManifest(dir: string, manifest: DatasetManifest): void {
  manifest.sources = countSources(manifest.episodes);
  checkManifest(manifest);
  // The header fields first, then the split, then the long list of files.
  const { format, task, actionRepeat, spec, sources, split, nextIndex, episodes } = manifest;
  const ordered = { format, task, actionRepeat, spec, sources, split, nextIndex, episodes };
  writeFileAtomic(manifestPath(dir), `${JSON.stringify(ordered, null, 2)}\n`);
}

/**
 * The episodes of one split (all episodes when `split` is undefined). Asking for a split of a
 * dataset that was never split is refused.
 */
export function episodesOf(
  dir: string,
  manifest: DatasetManifest,
  split?: SplitName,
): DatasetEpisode[] {
  if (split === undefined) return manifest.episodes;
  if (!manifest.split) {
    throw new DatasetUsageError(
      `${dir}: has no train/test split; make one with \`vmbrl-dataset split\` or \`vmbrl-dataset optimism\``,
    );
  }
  return manifest.episodes.filter((e) => e.split === split);
}

/** sha256 of bytes, hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The bytes of a listed file, checked against the manifest's sha256. A missing or changed file is
 * an EpisodeFileError naming it.
 */
export function readListedBytes(path: string, sha256: string): Uint8Array {
  if (!existsSync(path))
    throw new EpisodeFileError(path, `is listed in ${MANIFEST_FILE} but missing`);
  const bytes = new Uint8Array(readFileSync(path));
  const actual = sha256Hex(bytes);
  if (actual !== sha256) {
    throw new EpisodeFileError(
      path,
      `sha256 is ${actual}, ${MANIFEST_FILE} lists ${sha256} (changed or damaged since it was written)`,
    );
  }
  return bytes;
}

/** Reads a listed episode, checking its sha256 first (errors name the file). */
export function readListedEpisode(
  dir: string,
  entry: Pick<DatasetEpisode, 'file' | 'sha256'>,
): Episode {
  const path = join(dir, entry.file);
  const bytes = readListedBytes(path, entry.sha256);
  try {
    return episodeFromArrays(decodeNpz(bytes));
  } catch (error) {
    throw new EpisodeFileError(path, (error as Error).message);
  }
}

const FILE_NAME = /^[^/\\]+\.npz$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Structure and consistency of a parsed manifest; throws ValidationError naming the field. */
function checkManifest(value: unknown): DatasetManifest {
  const check = validator('');
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) check.fail('manifest', typeof value, 'a JSON object');
  const m = value as unknown as DatasetManifest;
  check.oneOf('format', m.format, [DATASET_FORMAT]);
  if (typeof m.task !== 'string' || m.task === '') check.fail('task', m.task, 'a task name');
  check.integer('actionRepeat', m.actionRepeat, 1);
  check.integer('nextIndex', m.nextIndex, 0);
  if (m.spec !== undefined) {
    if (!isObject(m.spec))
      check.fail('spec', m.spec, 'an object {actionDim, imageShape?, stateDim?}');
    check.integer('spec.actionDim', m.spec.actionDim, 1);
    if (m.spec.imageShape !== undefined) {
      const shape = check.integerList('spec.imageShape', m.spec.imageShape, 1);
      if (shape.length !== 3) check.fail('spec.imageShape', shape, '[height, width, channels]');
    }
    if (m.spec.stateDim !== undefined) check.integer('spec.stateDim', m.spec.stateDim, 1);
  }
  if (!Array.isArray(m.episodes)) check.fail('episodes', m.episodes, 'a list');
  const names = new Set<string>();
  const splitCounts = { train: 0, test: 0 };
  m.episodes.forEach((e, i) => {
    const at = `episodes[${i}]`;
    if (!isObject(e)) check.fail(at, e, 'an object');
    if (typeof e.file !== 'string' || !FILE_NAME.test(e.file)) {
      check.fail(`${at}.file`, e.file, 'a file name ending in .npz');
    }
    if (names.has(e.file)) check.fail(`${at}.file`, e.file, 'a name listed once');
    names.add(e.file);
    if (typeof e.source !== 'string' || e.source === '') {
      check.fail(`${at}.source`, e.source, 'a source name');
    }
    check.integer(`${at}.bytes`, e.bytes, 0);
    if (typeof e.sha256 !== 'string' || !SHA256.test(e.sha256)) {
      check.fail(`${at}.sha256`, e.sha256, '64 lowercase hex digits');
    }
    check.integer(`${at}.length`, e.length, 1);
    check.number(`${at}.return`, e.return);
    if (e.split !== undefined) splitCounts[check.oneOf(`${at}.split`, e.split, SPLIT_NAMES)]++;
    if (e.origin !== undefined && typeof e.origin !== 'string') {
      check.fail(`${at}.origin`, e.origin, 'a string');
    }
  });
  const assigned = splitCounts.train + splitCounts.test;
  if (m.split === undefined) {
    if (assigned > 0) check.fail('split', undefined, 'a split record when episodes name a split');
  } else {
    check.oneOf('split.method', m.split.method, ['random', 'optimism']);
    if (assigned !== m.episodes.length) {
      check.fail(
        'episodes[].split',
        `${assigned} of ${m.episodes.length} assigned`,
        'every episode in train or test',
      );
    }
    for (const name of SPLIT_NAMES) {
      if (m.split[name] !== splitCounts[name]) {
        check.fail(
          `split.${name}`,
          m.split[name],
          `${splitCounts[name]}, the episodes marked ${name}`,
        );
      }
    }
  }
  const counts = countSources(m.episodes);
  const same = (a: SourceCount | undefined, b: SourceCount) =>
    a !== undefined && a.episodes === b.episodes && a.steps === b.steps;
  if (
    !isObject(m.sources) ||
    Object.keys(m.sources).length !== Object.keys(counts).length ||
    Object.entries(counts).some(([name, count]) => !same(m.sources[name], count))
  ) {
    check.fail(
      'sources',
      m.sources,
      `the counts of the listed episodes, ${JSON.stringify(counts)}`,
    );
  }
  return m;
}
