/**
 * Dataset utilities over directories of `.npz` episodes: statistics, merging, a deterministic
 * train/test split by episode and a checksum manifest. Damaged files are reported and skipped;
 * every file written is written atomically.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FileError, Rng, percentiles, writeFileAtomic } from '@vmbrl/core';
import { listEpisodeFiles } from './disk-store';
import { episodeReturn } from './episode';
import { indexEpisodeFile } from './episode-index';
import { EpisodeFileError, decodeNpz, episodeFromArrays } from './npz';

/** One usable episode file found by {@link scanDirectory}. */
export interface ScannedEpisode {
  file: string;
  bytes: number;
  length: number;
  return: number;
  /** sha256 of the file (present when the scan verified the whole file). */
  sha256?: string;
  /** The file's bytes (kept only when asked, for copying). */
  content?: Uint8Array;
}

/** Result of scanning a directory. */
export interface ScanResult {
  dir: string;
  episodes: ScannedEpisode[];
  skipped: { file: string; reason: string }[];
}

/**
 * Lists and checks every `.npz` episode of `dir`. With `verify` (default) each file is read whole
 * and every entry's CRC-32 checked; without, only zip directories, headers and rewards are read.
 */
export function scanDirectory(
  dir: string,
  options: { verify?: boolean; keepContent?: boolean } = {},
): ScanResult {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FileError(dir, 'not a directory');
  const verify = options.verify ?? true;
  const result: ScanResult = { dir, episodes: [], skipped: [] };
  for (const file of listEpisodeFiles(dir)) {
    const path = join(dir, file);
    try {
      if (!verify) {
        const info = indexEpisodeFile(path, file);
        result.episodes.push({ file, bytes: info.bytes, length: info.length, return: info.return });
        continue;
      }
      const content = new Uint8Array(readFileSync(path));
      let episode: ReturnType<typeof episodeFromArrays>;
      try {
        episode = episodeFromArrays(decodeNpz(content));
      } catch (error) {
        throw new EpisodeFileError(path, (error as Error).message);
      }
      result.episodes.push({
        file,
        bytes: content.length,
        length: episode.length,
        return: episodeReturn(episode),
        sha256: createHash('sha256').update(content).digest('hex'),
        content: options.keepContent ? content : undefined,
      });
    } catch (error) {
      result.skipped.push({ file, reason: (error as Error).message });
    }
  }
  return result;
}

/** Summary of a directory. */
export interface DatasetStats {
  episodes: number;
  /** Rows over all episodes (observations). */
  steps: number;
  /** Environment transitions: rows minus the reset row of each episode. */
  transitions: number;
  length: { min: number; mean: number; max: number };
  /** Return distribution; std is the population standard deviation (ddof = 0). */
  return: {
    mean: number;
    std: number;
    min: number;
    p5: number;
    p25: number;
    p50: number;
    p75: number;
    p95: number;
    max: number;
  };
  skipped: { file: string; reason: string }[];
}

/** Computes {@link DatasetStats} from a scan. */
export function datasetStats(scan: ScanResult): DatasetStats {
  const returns = scan.episodes.map((e) => e.return).sort((a, b) => a - b);
  const lengths = scan.episodes.map((e) => e.length);
  const n = returns.length;
  const steps = lengths.reduce((a, b) => a + b, 0);
  const mean = n ? returns.reduce((a, b) => a + b, 0) / n : Number.NaN;
  const variance = n ? returns.reduce((a, r) => a + (r - mean) ** 2, 0) / n : Number.NaN;
  const [p5, p25, p50, p75, p95] = n
    ? percentiles(returns, [5, 25, 50, 75, 95])
    : [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN];
  return {
    episodes: n,
    steps,
    transitions: steps - n,
    length: {
      min: n ? Math.min(...lengths) : Number.NaN,
      mean: n ? steps / n : Number.NaN,
      max: n ? Math.max(...lengths) : Number.NaN,
    },
    return: {
      mean,
      std: Math.sqrt(variance),
      min: n ? returns[0] : Number.NaN,
      p5,
      p25,
      p50,
      p75,
      p95,
      max: n ? returns[n - 1] : Number.NaN,
    },
    skipped: scan.skipped,
  };
}

/** Outcome of a merge. */
export interface MergeReport {
  copied: string[];
  duplicates: string[];
  renamed: { from: string; to: string }[];
  skipped: { file: string; reason: string }[];
}

/**
 * Copies every verified episode of `sources` into `out`. Identical files (same sha256) are kept
 * once; a different file with a taken name gets a `-<n>` suffix.
 */
export function mergeDirectories(out: string, sources: readonly string[]): MergeReport {
  mkdirSync(out, { recursive: true });
  const report: MergeReport = { copied: [], duplicates: [], renamed: [], skipped: [] };
  const present = new Map<string, string>(); // name -> sha256 in out
  for (const e of scanDirectory(out).episodes) present.set(e.file, e.sha256!);
  const hashes = new Set(present.values());
  for (const dir of sources) {
    const scan = scanDirectory(dir, { keepContent: true });
    report.skipped.push(
      ...scan.skipped.map((s) => ({ file: join(dir, s.file), reason: s.reason })),
    );
    for (const episode of scan.episodes) {
      if (hashes.has(episode.sha256!)) {
        report.duplicates.push(join(dir, episode.file));
        continue;
      }
      let name = episode.file;
      for (let k = 1; present.has(name); k++) name = episode.file.replace(/\.npz$/, `-${k}.npz`);
      if (name !== episode.file) report.renamed.push({ from: join(dir, episode.file), to: name });
      writeFileAtomic(join(out, name), episode.content!);
      present.set(name, episode.sha256!);
      hashes.add(episode.sha256!);
      report.copied.push(name);
    }
  }
  return report;
}

/** Outcome of a split. */
export interface SplitReport {
  train: string[];
  test: string[];
  skipped: { file: string; reason: string }[];
}

/**
 * Splits the episodes of `dir` into `out/train` and `out/test` by episode: names are sorted,
 * shuffled with `Rng(seed)` and the first round(testFraction * n) go to test. The same files,
 * fraction and seed always give the same split; `out/split.json` records it.
 */
export function splitDirectory(
  dir: string,
  out: string,
  testFraction: number,
  seed: number,
): SplitReport {
  if (!(testFraction >= 0 && testFraction <= 1)) {
    throw new Error(`split: test fraction must be in [0, 1], got ${testFraction}`);
  }
  const scan = scanDirectory(dir, { keepContent: true });
  const episodes = [...scan.episodes].sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : 0,
  );
  const rng = new Rng(seed);
  for (let i = episodes.length - 1; i > 0; i--) {
    const j = rng.int(i + 1); // Fisher-Yates
    [episodes[i], episodes[j]] = [episodes[j], episodes[i]];
  }
  const testCount = Math.round(testFraction * episodes.length);
  const parts = { test: episodes.slice(0, testCount), train: episodes.slice(testCount) };
  const report: SplitReport = { train: [], test: [], skipped: scan.skipped };
  for (const part of ['train', 'test'] as const) {
    const target = join(out, part);
    mkdirSync(target, { recursive: true });
    for (const e of parts[part]) {
      if (existsSync(join(target, e.file)))
        throw new Error(`split: ${join(target, e.file)} already exists`);
      writeFileAtomic(join(target, e.file), e.content!);
      report[part].push(e.file);
    }
    report[part].sort();
  }
  const record = {
    source: dir,
    seed,
    testFraction,
    train: report.train,
    test: report.test,
    skipped: scan.skipped,
  };
  writeFileAtomic(
    join(out, 'split.json'),
    new TextEncoder().encode(`${JSON.stringify(record, null, 2)}\n`),
  );
  return report;
}

/** The manifest written by {@link writeManifest}. */
export interface Manifest {
  format: 'vmbrl-episodes/1';
  episodes: { file: string; bytes: number; sha256: string; length: number; return: number }[];
  totals: { episodes: number; steps: number; bytes: number };
  skipped: { file: string; reason: string }[];
}

/** Verifies every episode of `dir` and writes `dir/manifest.json` with sha256 checksums. */
export function writeManifest(dir: string): Manifest {
  const scan = scanDirectory(dir);
  const episodes = scan.episodes.map((e) => ({
    file: e.file,
    bytes: e.bytes,
    sha256: e.sha256!,
    length: e.length,
    return: e.return,
  }));
  const manifest: Manifest = {
    format: 'vmbrl-episodes/1',
    episodes,
    totals: {
      episodes: episodes.length,
      steps: episodes.reduce((a, e) => a + e.length, 0),
      bytes: episodes.reduce((a, e) => a + e.bytes, 0),
    },
    skipped: scan.skipped,
  };
  writeFileAtomic(
    join(dir, 'manifest.json'),
    new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
  );
  return manifest;
}
