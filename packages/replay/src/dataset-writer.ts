/**
 * Writing a dataset one episode at a time, resumably. Each `append` writes the episode file
 * atomically and then rewrites `manifest.json` atomically, so a writer killed at any moment
 * leaves a consistent dataset: at worst one complete episode file that the manifest does not
 * list yet, which the next `open` adopts (its name says its source). The episode being
 * collected when the process died is the only loss. Counts per source come from the manifest,
 * so a collector asks {@link DatasetWriter.remaining} how many episodes each source still owes.
 */
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Episode } from '@vmbrl/core';
import { syncDirectory, validator, writeFileAtomic } from '@vmbrl/core';
import { DatasetUsageError } from './dataset-errors';
import { DatasetLock } from './dataset-lock';
import {
  type DatasetEpisode,
  type DatasetIdentity,
  type DatasetManifest,
  MANIFEST_FILE,
  emptyManifest,
  hasManifest,
  readDatasetManifest,
  readListedBytes,
  sha256Hex,
  writeDatasetManifest,
} from './dataset-manifest';
import { episodeReturn } from './episode';
import { specOf } from './episode-buffer';
import { listEpisodeFiles } from './episode-files';
import {
  EpisodeFileError,
  type NpzWriteOptions,
  decodeNpz,
  encodeNpz,
  episodeFromArrays,
  episodeToArrays,
} from './npz';
import { type EpisodeSpec, specMismatch } from './sampling';

/** Source names: they start file names, so letters, digits and `_ . + -` only. */
const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;
/** `<source>-<index, 6+ digits>-<rows>.npz`, the names a writer gives its files. */
const WRITER_FILE = /^(.+)-(\d{6,})-(\d+)\.npz$/;
/** Temporary files of core's atomic writer (`.<name>.tmp-<unique>`), left by a killed writer. */
const TEMPORARY_FILE = /^\..+\.tmp-/;

/** Checks a source name (throws a ValidationError naming what is allowed). */
export function checkSourceName(source: unknown): string {
  if (typeof source !== 'string' || !SOURCE_NAME.test(source)) {
    validator('dataset').fail(
      'source',
      source,
      'letters, digits and _ . + - (1 to 64, starting with a letter or digit), e.g. random, oracle, planet-seed0',
    );
  }
  return source as string;
}

/** Options of {@link DatasetWriter.open}. */
export interface DatasetWriterOptions extends NpzWriteOptions {
  /** Called for each complete episode file found unlisted (a writer killed mid-append). */
  onAdopt?: (file: string) => void;
}

/** Appends episodes to a dataset directory; {@link DatasetWriter.close} when done. */
export class DatasetWriter {
  private readonly hashes: Set<string>;

  private constructor(
    readonly dir: string,
    private readonly current: DatasetManifest,
    private readonly lock: DatasetLock,
    private readonly options: DatasetWriterOptions,
  ) {
    this.hashes = new Set(current.episodes.map((e) => e.sha256));
  }

  /**
   * Opens (creating when missing) the dataset in `dir` for `identity`. An existing dataset of
   * another task or action repeat is refused, as is a directory with episodes but no manifest.
   */
  static open(
    dir: string,
    identity: DatasetIdentity,
    options: DatasetWriterOptions = {},
  ): DatasetWriter {
    const fresh = emptyManifest(identity); // checks the identity before touching the disk
    mkdirSync(dir, { recursive: true });
    const lock = DatasetLock.acquire(dir, 'DatasetWriter');
    try {
      let manifest: DatasetManifest;
      if (hasManifest(dir)) {
        manifest = readDatasetManifest(dir);
        for (const key of ['task', 'actionRepeat'] as const) {
          if (manifest[key] !== identity[key]) {
            throw new DatasetUsageError(
              `${dir}: holds ${key} ${manifest[key]}, the writer was opened for ${key} ${identity[key]}; a dataset holds one task at one action repeat`,
            );
          }
        }
      } else {
        if (listEpisodeFiles(dir).length > 0) {
          throw new DatasetUsageError(
            `${dir}: holds .npz files but no ${MANIFEST_FILE}; a dataset starts in an empty directory`,
          );
        }
        manifest = fresh;
        writeDatasetManifest(dir, manifest);
      }
      const writer = new DatasetWriter(dir, manifest, lock, options);
      writer.recover();
      return writer;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** The manifest as it is on disk (do not modify). */
  get manifest(): Readonly<DatasetManifest> {
    return this.current;
  }

  /** Episodes of `source` in the dataset (all episodes when omitted). */
  count(source?: string): number {
    if (source === undefined) return this.current.episodes.length;
    return this.current.sources[source]?.episodes ?? 0;
  }

  /**
   * True when the dataset holds a file with these bytes. Episode files encode deterministically,
   * so this recognises an episode added before (aggregating or importing twice adds nothing).
   */
  has(sha256: string): boolean {
    return this.hashes.has(sha256);
  }

  /**
   * How many episodes each source still needs to reach `targets` (0 when it has enough):
   * what a resumed collection runs.
   */
  remaining(targets: Readonly<Record<string, number>>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [source, target] of Object.entries(targets)) {
      checkSourceName(source);
      validator('dataset').integer(`target of ${source}`, target, 0);
      out[source] = Math.max(0, target - this.count(source));
    }
    return out;
  }

  /** Writes `episode` (atomically), then the manifest (atomically). Returns its entry. */
  append(episode: Episode, options: { source: string; origin?: string }): DatasetEpisode {
    return this.write(episode, options, false)!;
  }

  /**
   * As {@link DatasetWriter.append}, unless the dataset already holds an episode with the same
   * bytes: then nothing is written and the result is undefined (imports run twice add nothing).
   */
  appendNew(
    episode: Episode,
    options: { source: string; origin?: string },
  ): DatasetEpisode | undefined {
    return this.write(episode, options, true);
  }

  /**
   * Adds an episode file of another dataset, described by its manifest entry: its bytes are
   * checked against `entry.sha256`, then hard-linked (`link`, when the filesystem allows) or
   * copied. Returns the new entry and whether it was linked.
   */
  addFile(
    path: string,
    entry: Pick<DatasetEpisode, 'source' | 'sha256' | 'length' | 'return' | 'origin'>,
    spec: EpisodeSpec,
    options: { link?: boolean } = {},
  ): { entry: DatasetEpisode; linked: boolean } {
    this.checkAppendable(spec);
    const bytes = readListedBytes(path, entry.sha256);
    const file = this.nextName(entry.source, entry.length);
    const target = join(this.dir, file);
    let linked = false;
    if (options.link) {
      try {
        linkSync(path, target);
        syncDirectory(this.dir);
        linked = true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
      }
    }
    if (!linked) writeFileAtomic(target, bytes);
    const added = this.commit(
      {
        file,
        source: entry.source,
        bytes: bytes.length,
        sha256: entry.sha256,
        length: entry.length,
        return: entry.return,
        origin: entry.origin,
      },
      spec,
    );
    return { entry: added, linked };
  }

  /** Releases the directory for other writers. */
  close(): void {
    this.lock.release();
  }

  private nextName(source: string, rows: number): string {
    return `${source}-${String(this.current.nextIndex).padStart(6, '0')}-${rows}.npz`;
  }

  private write(
    episode: Episode,
    options: { source: string; origin?: string },
    skipPresent: boolean,
  ): DatasetEpisode | undefined {
    const source = checkSourceName(options.source);
    this.checkAppendable(specOf(episode));
    const bytes = encodeNpz(episodeToArrays(episode), this.options);
    const sha256 = sha256Hex(bytes);
    if (skipPresent && this.has(sha256)) return undefined;
    const file = this.nextName(source, episode.length);
    writeFileAtomic(join(this.dir, file), bytes);
    const entry = {
      file,
      source,
      bytes: bytes.length,
      sha256,
      length: episode.length,
      return: episodeReturn(episode),
      origin: options.origin,
    };
    return this.commit(entry, specOf(episode));
  }

  private checkAppendable(spec: EpisodeSpec): void {
    if (this.current.split) {
      throw new DatasetUsageError(
        `${this.dir}: is split (${this.current.split.method}); new episodes would belong to neither split. Append before splitting, or aggregate into a new dataset and split that`,
      );
    }
    const mismatch = this.current.spec && specMismatch(this.current.spec, spec);
    if (mismatch) throw new DatasetUsageError(`${this.dir}: episode has ${mismatch}`);
  }

  private commit(entry: DatasetEpisode, spec: EpisodeSpec): DatasetEpisode {
    this.current.spec ??= spec;
    this.current.episodes.push(entry);
    this.hashes.add(entry.sha256);
    this.current.nextIndex++;
    writeDatasetManifest(this.dir, this.current);
    return entry;
  }

  /**
   * After a kill: removes the atomic writer's temporary files, adopts complete episode files
   * the manifest does not list yet, and checks that every listed file is there.
   */
  private recover(): void {
    for (const name of readdirSync(this.dir)) {
      if (TEMPORARY_FILE.test(name)) rmSync(join(this.dir, name), { force: true });
    }
    const listed = new Set(this.current.episodes.map((e) => e.file));
    for (const file of listEpisodeFiles(this.dir)) {
      if (listed.has(file)) continue;
      const path = join(this.dir, file);
      const match = WRITER_FILE.exec(file);
      if (!match || !SOURCE_NAME.test(match[1])) {
        throw new EpisodeFileError(
          path,
          `is not listed in ${MANIFEST_FILE} and was not named by a dataset writer (<source>-<index>-<rows>.npz); move it out of the dataset`,
        );
      }
      const bytes = new Uint8Array(readFileSync(path));
      let episode: Episode;
      try {
        episode = episodeFromArrays(decodeNpz(bytes));
      } catch (error) {
        throw new EpisodeFileError(path, (error as Error).message);
      }
      this.checkAppendable(specOf(episode));
      this.current.nextIndex = Math.max(this.current.nextIndex, Number(match[2]));
      this.commit(
        {
          file,
          source: match[1],
          bytes: bytes.length,
          sha256: sha256Hex(bytes),
          length: episode.length,
          return: episodeReturn(episode),
        },
        specOf(episode),
      );
      this.options.onAdopt?.(file);
    }
    for (const e of this.current.episodes) {
      const path = join(this.dir, e.file);
      if (!existsSync(path)) {
        throw new EpisodeFileError(path, `is listed in ${MANIFEST_FILE} but missing`);
      }
      if (statSync(path).size !== e.bytes) {
        throw new EpisodeFileError(
          path,
          `has ${statSync(path).size} bytes, ${MANIFEST_FILE} lists ${e.bytes}; run \`vmbrl-dataset verify\``,
        );
      }
    }
  }
}
