/**
 * Statistics of a directory of episodes (a dataset, or any folder of `.npz` episodes such as a
 * run's `episodes/`): counts, and the length and return distributions. An episode that cannot be
 * read is reported by name, never silently left out of the numbers; an empty folder has no
 * statistics (an error, not NaN).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { percentiles } from '@vmbrl/core';
import { DatasetUsageError } from './dataset-errors';
import {
  type DatasetManifest,
  hasManifest,
  readDatasetManifest,
  readListedEpisode,
} from './dataset-manifest';
import { episodeReturn } from './episode';
import { listEpisodeFiles } from './episode-files';
import { indexEpisodeFile } from './episode-index';
import { EpisodeFileError, decodeNpz, episodeFromArrays } from './npz';

/** One readable episode found by {@link scanDirectory}. */
export interface ScannedEpisode {
  file: string;
  length: number;
  return: number;
}

/** Result of scanning a directory. */
export interface ScanResult {
  dir: string;
  /** The manifest, when the directory is a dataset. */
  manifest?: DatasetManifest;
  episodes: ScannedEpisode[];
  /** Episodes that could not be read; `reason` starts with the file's path. */
  unreadable: { file: string; reason: string }[];
}

/**
 * Reads every episode of `dir`: a dataset's listed files (sha256 checked) or every `.npz` file of
 * another folder. Each file is decoded whole (every entry's CRC-32) unless `quick`: then a dataset
 * answers from its manifest and a folder from zip directories, headers and rewards.
 */
export function scanDirectory(dir: string, options: { quick?: boolean } = {}): ScanResult {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DatasetUsageError(`${dir}: no such directory`);
  }
  const result: ScanResult = { dir, episodes: [], unreadable: [] };
  const attempt = (file: string, read: () => ScannedEpisode) => {
    try {
      result.episodes.push(read());
    } catch (error) {
      result.unreadable.push({ file, reason: (error as Error).message });
    }
  };
  if (hasManifest(dir)) {
    const manifest = readDatasetManifest(dir);
    result.manifest = manifest;
    for (const entry of manifest.episodes) {
      attempt(entry.file, () => {
        if (options.quick) return { file: entry.file, length: entry.length, return: entry.return };
        const episode = readListedEpisode(dir, entry);
        return { file: entry.file, length: episode.length, return: episodeReturn(episode) };
      });
    }
    return result;
  }
  for (const file of listEpisodeFiles(dir)) {
    const path = join(dir, file);
    attempt(file, () => {
      if (options.quick) return indexEpisodeFile(path, file);
      try {
        const episode = episodeFromArrays(decodeNpz(new Uint8Array(readFileSync(path))));
        return { file, length: episode.length, return: episodeReturn(episode) };
      } catch (error) {
        throw new EpisodeFileError(path, (error as Error).message);
      }
    });
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
  /** Task, action repeat, sources and split, for a dataset. */
  dataset?: Pick<DatasetManifest, 'task' | 'actionRepeat' | 'sources' | 'split'>;
}

/** {@link DatasetStats} of the readable episodes of a scan; refuses a scan with none. */
export function datasetStats(scan: ScanResult): DatasetStats {
  const n = scan.episodes.length;
  if (n === 0) {
    throw new DatasetUsageError(
      `${scan.dir}: no ${scan.unreadable.length > 0 ? 'readable ' : ''}episodes (statistics need at least one .npz episode)`,
    );
  }
  const returns = scan.episodes.map((e) => e.return).sort((a, b) => a - b);
  const lengths = scan.episodes.map((e) => e.length);
  const steps = lengths.reduce((a, b) => a + b, 0);
  const mean = returns.reduce((a, b) => a + b, 0) / n;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / n;
  const [p5, p25, p50, p75, p95] = percentiles(returns, [5, 25, 50, 75, 95]);
  const stats: DatasetStats = {
    episodes: n,
    steps,
    transitions: steps - n,
    length: { min: Math.min(...lengths), mean: steps / n, max: Math.max(...lengths) },
    return: {
      mean,
      std: Math.sqrt(variance),
      min: returns[0],
      p5,
      p25,
      p50,
      p75,
      p95,
      max: returns[n - 1],
    },
  };
  if (scan.manifest) {
    const { task, actionRepeat, sources, split } = scan.manifest;
    stats.dataset = split
      ? { task, actionRepeat, sources, split }
      : { task, actionRepeat, sources };
  }
  return stats;
}
