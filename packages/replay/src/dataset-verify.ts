/**
 * On-demand check of a dataset against its manifest: every listed file is present, has the
 * listed size and sha256, decodes as an episode (every zip entry's CRC-32, keys and shapes), and
 * has the listed length, return and the dataset's shapes; files the manifest does not list are
 * reported too. Nothing is changed.
 */
import { join } from 'node:path';
import type { Episode } from '@vmbrl/core';
import { MANIFEST_FILE, readDatasetManifest, readListedEpisode } from './dataset-manifest';
import { episodeReturn } from './episode';
import { specOf } from './episode-buffer';
import { listEpisodeFiles } from './episode-files';
import { EpisodeFileError } from './npz';
import { specMismatch } from './sampling';

/** The reason of a file error without the path its message starts with. */
function reasonOf(error: unknown): string {
  return error instanceof EpisodeFileError ? error.reason : (error as Error).message;
}

/** One problem found by {@link verifyDataset}; `file` is the path. */
export interface DatasetProblem {
  file: string;
  problem: string;
}

/** Outcome of {@link verifyDataset}. */
export interface VerifyReport {
  dir: string;
  /** Listed episodes that passed every check. */
  ok: number;
  problems: DatasetProblem[];
}

/** Checks every file of the dataset in `dir` (see the module comment). */
export function verifyDataset(dir: string): VerifyReport {
  const manifest = readDatasetManifest(dir);
  const report: VerifyReport = { dir, ok: 0, problems: [] };
  const problem = (file: string, text: string) =>
    report.problems.push({ file: join(dir, file), problem: text });
  for (const entry of manifest.episodes) {
    let episode: Episode;
    try {
      episode = readListedEpisode(dir, entry);
    } catch (error) {
      report.problems.push({ file: join(dir, entry.file), problem: reasonOf(error) });
      continue;
    }
    const mismatch = manifest.spec && specMismatch(manifest.spec, specOf(episode));
    if (mismatch) {
      problem(entry.file, `episode has ${mismatch}`);
    } else if (episode.length !== entry.length || episodeReturn(episode) !== entry.return) {
      problem(
        entry.file,
        `has ${episode.length} rows and return ${episodeReturn(episode)}, ${MANIFEST_FILE} lists ${entry.length} and ${entry.return}`,
      );
    } else {
      report.ok++;
    }
  }
  const listed = new Set(manifest.episodes.map((e) => e.file));
  for (const file of listEpisodeFiles(dir)) {
    if (!listed.has(file)) {
      problem(
        file,
        `is not listed in ${MANIFEST_FILE} (a writer killed mid-append leaves such a file; the next DatasetWriter.open adopts it)`,
      );
    }
  }
  return report;
}
