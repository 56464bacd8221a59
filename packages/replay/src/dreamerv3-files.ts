/**
 * DreamerV3 files in and out of a dataset.
 *
 * DreamerV3's replay saves chunks of up to 1024 consecutive steps (`np.savez_compressed`) named
 * `<time>-<uuid>-<successor uuid>-<rows>.npz`: time `YYYYMMDDTHHMMSS` plus `F<microseconds>`,
 * uuids as 22 base62 digits (0-9, a-z, A-Z), the successor all zeros when there is none. A chunk
 * may end mid-episode and hold several episodes. Import follows successor links to rebuild each
 * stream of steps, cuts it at `is_first` and keeps the complete episodes (first to last row);
 * steps before a stream's first `is_first` or after its last `is_last` (an episode still running
 * when the replay was saved) are counted as discarded. Files not named like chunks are streams of
 * their own. Export writes one chunk per episode, named that way, with no successor.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Episode, writeFileAtomic } from '@vmbrl/core';
import { DatasetUsageError } from './dataset-errors';
import {
  type SplitName,
  episodesOf,
  readDatasetManifest,
  readListedEpisode,
} from './dataset-manifest';
import type { DatasetWriter } from './dataset-writer';
import {
  type DreamerV3ExportOptions,
  type DreamerV3ImportOptions,
  type DreamerV3Rows,
  type RowSlice,
  episodeFromDreamerV3,
  episodeToDreamerV3,
  readDreamerV3Rows,
} from './dreamerv3';
import { listEpisodeFiles } from './episode-files';
import { EpisodeFileError, encodeNpz, readNpz } from './npz';

const CHUNK_NAME = /^(\d{8}T\d{6}(?:F\d{6})?)-([0-9A-Za-z]+)-([0-9A-Za-z]+)-(\d+)\.npz$/;
const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyz' + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NO_SUCCESSOR = '0'.repeat(22);

/** A random 128-bit id as DreamerV3 prints it: 22 base62 digits. */
export function base62Uuid(bytes: Uint8Array = randomBytes(16)): string {
  let value = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  let digits = '';
  while (value > 0n) {
    digits = BASE62[Number(value % 62n)] + digits;
    value /= 62n;
  }
  return digits.padStart(22, '0');
}

/** DreamerV3's chunk file name for a chunk of `rows` rows without a successor. */
export function dreamerV3ChunkName(rows: number, date: Date, uuid = base62Uuid()): string {
  const stamp = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.(\d{3})Z$/, (_, ms: string) => `F${ms}000`);
  return `${stamp}-${uuid}-${NO_SUCCESSOR}-${rows}.npz`;
}

/**
 * `.npz` paths of import inputs (directories expanded, sorted by name); a missing input or none
 * at all is refused.
 */
export function dreamerV3InputFiles(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    if (!existsSync(input))
      throw new DatasetUsageError(`import-dreamerv3: ${input}: no such file or directory`);
    if (statSync(input).isDirectory())
      files.push(...listEpisodeFiles(input).map((f) => join(input, f)));
    else files.push(input);
  }
  if (files.length === 0) {
    throw new DatasetUsageError(`import-dreamerv3: no .npz files in ${inputs.join(', ')}`);
  }
  return files;
}

/**
 * Orders files into streams: chunks linked by their successor uuids, in time order of each
 * stream's first chunk; every other file alone.
 */
export function dreamerV3Streams(files: readonly string[]): string[][] {
  const byUuid = new Map<string, { path: string; time: string; successor: string }>();
  const loose: string[][] = [];
  for (const path of files) {
    const match = CHUNK_NAME.exec(basename(path));
    if (match) byUuid.set(match[2], { path, time: match[1], successor: match[3] });
    else loose.push([path]);
  }
  const successors = new Set([...byUuid.values()].map((c) => c.successor));
  const heads = [...byUuid.entries()]
    .filter(([uuid]) => !successors.has(uuid))
    .sort(([, a], [, b]) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const streams: string[][] = [];
  const seen = new Set<string>();
  for (const [uuid] of heads) {
    const stream: string[] = [];
    for (let at: string | undefined = uuid; at && byUuid.has(at) && !seen.has(at); ) {
      seen.add(at);
      stream.push(byUuid.get(at)!.path);
      at = byUuid.get(at)!.successor;
    }
    streams.push(stream);
  }
  // Chunks on a cycle have no head; keep them rather than drop data silently.
  for (const [uuid, chunk] of byUuid) if (!seen.has(uuid)) streams.push([chunk.path]);
  return [...streams, ...loose];
}

/** Outcome of {@link importDreamerV3}. */
export interface ImportReport {
  files: number;
  /** Complete episodes added to the dataset. */
  added: number;
  /** Complete episodes the dataset already held (same bytes): a re-run import adds nothing. */
  duplicates: number;
  /** Steps outside complete episodes (a stream's unfinished head or tail). */
  discardedRows: number;
}

const rowsIn = (slices: readonly RowSlice[]) => slices.reduce((n, s) => n + s.end - s.start, 0);

/**
 * Imports DreamerV3 files, or directories of them, into `writer`'s dataset under `source`
 * (default `dreamerv3`). A file that is not a DreamerV3 episode or chunk is an EpisodeFileError
 * naming it.
 */
export function importDreamerV3(
  inputs: readonly string[],
  writer: DatasetWriter,
  options: DreamerV3ImportOptions & { source?: string } = {},
): ImportReport {
  const files = dreamerV3InputFiles(inputs);
  const source = options.source ?? 'dreamerv3';
  const report: ImportReport = { files: files.length, added: 0, duplicates: 0, discardedRows: 0 };
  for (const stream of dreamerV3Streams(files)) {
    // The episode being assembled (null between episodes), possibly across chunks.
    let open: RowSlice[] | null = null;
    let origin = '';
    for (const path of stream) {
      const rows = readChunk(path, options);
      let start = 0;
      for (let r = 0; r < rows.rows; r++) {
        if (rows.isFirst[r]) {
          // An episode without is_last before the next is_first never finished: dropped.
          if (open) report.discardedRows += rowsIn(open) + (r - start);
          open = [];
          start = r;
          origin = `${basename(path)}:${r}`;
        } else if (!open) {
          report.discardedRows++; // the head of a stream cut mid-episode
          continue;
        }
        if (rows.isLast[r]) {
          open!.push({ rows, start, end: r + 1 });
          addEpisode(writer, open!, path, { source, origin }, report);
          open = null;
        }
      }
      if (open) open.push({ rows, start, end: rows.rows });
    }
    if (open) report.discardedRows += rowsIn(open);
  }
  return report;
}

function readChunk(path: string, options: DreamerV3ImportOptions): DreamerV3Rows {
  const arrays = readNpz(path);
  let rows: DreamerV3Rows;
  try {
    rows = readDreamerV3Rows(arrays, options);
  } catch (error) {
    throw new EpisodeFileError(path, (error as Error).message);
  }
  const named = CHUNK_NAME.exec(basename(path));
  if (named && Number(named[4]) !== rows.rows) {
    throw new EpisodeFileError(path, `its name says ${named[4]} rows, it holds ${rows.rows}`);
  }
  return rows;
}

function addEpisode(
  writer: DatasetWriter,
  slices: RowSlice[],
  path: string,
  options: { source: string; origin: string },
  report: ImportReport,
): void {
  const head = slices[0].rows;
  let episode: Episode;
  try {
    for (const { rows } of slices) {
      if (
        rows.actionDim !== head.actionDim ||
        String(rows.imageShape) !== String(head.imageShape)
      ) {
        throw new Error('its columns change shape within one episode');
      }
    }
    episode = episodeFromDreamerV3(slices);
  } catch (error) {
    throw new EpisodeFileError(path, (error as Error).message);
  }
  if (writer.appendNew(episode, options)) report.added++;
  else report.duplicates++;
}

/** Outcome of {@link exportDreamerV3}. */
export interface ExportReport {
  out: string;
  /** File names written, in dataset order. */
  files: string[];
}

/**
 * Writes the episodes of a dataset (or of one split) into `out` as DreamerV3 chunks, one per
 * episode, deflated as `np.savez_compressed` writes them. Each episode is checked against its
 * manifest's sha256 first. `out` must not hold `.npz` files already.
 */
export function exportDreamerV3(
  dir: string,
  out: string,
  options: DreamerV3ExportOptions & { split?: SplitName } = {},
): ExportReport {
  const manifest = readDatasetManifest(dir);
  const episodes = episodesOf(dir, manifest, options.split);
  if (episodes.length === 0) {
    throw new DatasetUsageError(
      `export-dreamerv3: ${dir} has no episodes${options.split ? ` in its ${options.split} split` : ''}`,
    );
  }
  if (existsSync(out) && listEpisodeFiles(out).length > 0) {
    throw new DatasetUsageError(
      `export-dreamerv3: ${out} already holds .npz files; export into a new or empty directory`,
    );
  }
  const report: ExportReport = { out, files: [] };
  const start = Date.now();
  episodes.forEach((entry, i) => {
    const episode = readListedEpisode(dir, entry);
    let arrays: ReturnType<typeof episodeToDreamerV3>;
    try {
      arrays = episodeToDreamerV3(episode, options);
    } catch (error) {
      throw new EpisodeFileError(join(dir, entry.file), (error as Error).message);
    }
    // One millisecond apart, so the names sort in dataset order as DreamerV3 loads them.
    const name = dreamerV3ChunkName(episode.length, new Date(start + i));
    writeFileAtomic(join(out, name), encodeNpz(arrays, { compress: true }));
    report.files.push(name);
  });
  return report;
}
