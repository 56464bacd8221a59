/**
 * A directory of `.npz` episodes used as replay without loading it into memory: an index of
 * lengths built from zip directories and `.npy` headers, a bounded LRU cache (in bytes) of whole
 * decoded episodes, and direct positional reads of chunk rows from stored (uncompressed) files.
 *
 * Integrity: the first time an episode is used it is loaded whole and every entry's CRC-32 is
 * checked (it then sits in the cache); a damaged file is reported by name, dropped from the
 * index and never contributes rows. Later reads of stored files after cache eviction copy rows
 * directly from the file (its structure was validated when indexed).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Episode, SequenceBatch } from '@vmbrl/core';
import { DatasetUsageError } from './dataset-errors';
import {
  type DatasetEpisode,
  MANIFEST_FILE,
  type SplitName,
  episodesOf,
  hasManifest,
  readDatasetManifest,
  readListedEpisode,
} from './dataset-manifest';
import { episodeBytes } from './episode';
import { copyEpisodeChunk, specOf } from './episode-buffer';
import { episodeFileName, listEpisodeFiles } from './episode-files';
import { type EpisodeFileInfo, indexEpisodeFile, isDirectlyReadable } from './episode-index';
import { EpisodeStore } from './episode-store';
import { EpisodeFileError, type NpzWriteOptions, readEpisode, writeEpisode } from './npz';
import { type EpisodeSpec, specMismatch } from './sampling';
import { FileSource } from './zip-directory';

/** Options of {@link DiskEpisodeStore}. */
export interface DiskStoreOptions {
  /**
   * Only the episodes of this split of a dataset (a directory with `manifest.json`, split by
   * `vmbrl-dataset split` or `optimism`); all episodes when omitted.
   */
  split?: SplitName;
  /** Upper bound of the decoded-episode cache in bytes (default 1 GiB). */
  cacheBytes?: number;
  /** Called for every file that is skipped (corrupt, truncated, wrong keys or shapes). */
  onSkip?: (file: string, reason: string) => void;
}

/** A file that was not used, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

/** Cache counters. */
export interface CacheStats {
  hits: number;
  misses: number;
  directReads: number;
  evictions: number;
  bytes: number;
  episodes: number;
}

/** Episodes in a directory, sampled lazily. Construct with {@link DiskEpisodeStore.open}. */
export class DiskEpisodeStore extends EpisodeStore {
  private readonly infos: (EpisodeFileInfo & { id: number })[] = [];
  private readonly known = new Set<string>();
  private readonly skippedFiles: SkippedFile[] = [];
  private readonly cache = new Map<string, { episode: Episode; bytes: number }>();
  private readonly verified = new Set<string>();
  /** sha256 of each file, when a manifest lists them (checked on first load). */
  private readonly listedSha = new Map<string, string>();
  private nextId = 0;
  private steps = 0;
  private readonly cacheBytes: number;
  readonly cacheStats: CacheStats = {
    hits: 0,
    misses: 0,
    directReads: 0,
    evictions: 0,
    bytes: 0,
    episodes: 0,
  };

  private constructor(
    readonly dir: string,
    private readonly options: DiskStoreOptions,
  ) {
    super();
    this.cacheBytes = options.cacheBytes ?? 2 ** 30;
    if (!(this.cacheBytes >= 0)) {
      throw new Error(`DiskEpisodeStore: cacheBytes must be >= 0, got ${options.cacheBytes}`);
    }
  }

  /**
   * Opens a directory and indexes the episodes in it. A dataset (with `manifest.json`) is
   * indexed from its manifest: the episodes it lists (of `options.split`), with lengths, returns
   * and shapes as listed, without opening the files; each file's sha256 is checked when it is
   * first loaded. Any other directory is created if missing and indexed from its files.
   */
  static open(dir: string, options: DiskStoreOptions = {}): DiskEpisodeStore {
    if (options.split !== undefined && !hasManifest(dir)) {
      throw new DatasetUsageError(
        `DiskEpisodeStore: ${dir} has no ${MANIFEST_FILE}, so no ${options.split} split; split a dataset with \`vmbrl-dataset split\``,
      );
    }
    mkdirSync(dir, { recursive: true });
    const store = new DiskEpisodeStore(dir, options);
    store.refresh();
    return store;
  }

  /** True when the directory is a dataset indexed from its manifest. */
  get isDataset(): boolean {
    return hasManifest(this.dir);
  }

  /** Indexes files that appeared since the last scan (e.g. written by another process). */
  refresh(): { added: string[]; skipped: SkippedFile[] } {
    const added: string[] = [];
    const skipped: SkippedFile[] = [];
    const index = (file: string, indexer: () => string | undefined) => {
      this.known.add(file);
      const reason = indexer();
      if (reason) skipped.push({ file, reason });
      else added.push(file);
    };
    if (this.isDataset) {
      const manifest = readDatasetManifest(this.dir);
      for (const entry of episodesOf(this.dir, manifest, this.options.split)) {
        if (!this.known.has(entry.file))
          index(entry.file, () => this.indexListed(entry, manifest.spec!));
      }
    } else {
      for (const file of listEpisodeFiles(this.dir)) {
        if (!this.known.has(file)) index(file, () => this.indexFile(file));
      }
    }
    return { added, skipped };
  }

  /** Writes an episode into the directory (atomically) and indexes it. Returns its file name. */
  append(episode: Episode, options: NpzWriteOptions & { name?: string } = {}): string {
    if (this.isDataset) {
      throw new DatasetUsageError(
        `DiskEpisodeStore.append: ${this.dir} is a dataset (${MANIFEST_FILE}); add episodes with a DatasetWriter`,
      );
    }
    const mismatch = this.admit(specOf(episode), true);
    if (mismatch) throw new Error(`DiskEpisodeStore.append: episode has ${mismatch}`);
    const file = options.name ?? episodeFileName(episode.length);
    if (this.known.has(file)) throw new Error(`DiskEpisodeStore.append: ${file} already exists`);
    writeEpisode(join(this.dir, file), episode, options);
    this.known.add(file);
    const reason = this.indexFile(file);
    if (reason) throw new Error(reason);
    // The episode is in memory already: cache it as verified.
    this.verified.add(file);
    this.remember(file, episode);
    return file;
  }

  get numEpisodes(): number {
    return this.infos.length;
  }

  get numSteps(): number {
    return this.steps;
  }

  /** Files skipped so far, with reasons. */
  get skipped(): readonly SkippedFile[] {
    return this.skippedFiles;
  }

  /** Index entries (file, length, return, spec), in sampling order. */
  files(): readonly EpisodeFileInfo[] {
    return this.infos;
  }

  protected storedLengths(): number[] {
    return this.infos.map((i) => i.length);
  }

  episodeId(index: number): number {
    return this.infos[index].id;
  }

  /** The whole episode at `index`, through the cache (CRC-checked when read from disk). */
  loadEpisode(index: number): Episode {
    const info = this.infos[index];
    const cached = this.cache.get(info.file);
    if (cached) {
      this.cacheStats.hits++;
      this.cache.delete(info.file);
      this.cache.set(info.file, cached);
      return cached.episode;
    }
    this.cacheStats.misses++;
    const sha256 = this.listedSha.get(info.file);
    const episode =
      sha256 === undefined
        ? readEpisode(join(this.dir, info.file))
        : readListedEpisode(this.dir, { file: info.file, sha256 });
    if (episode.length !== info.length || specMismatch(info.spec, specOf(episode))) {
      throw new EpisodeFileError(join(this.dir, info.file), 'changed on disk since it was indexed');
    }
    this.verified.add(info.file);
    this.remember(info.file, episode);
    return episode;
  }

  copyChunk(index: number, start: number, batch: SequenceBatch, row: number): void {
    const info = this.infos[index];
    if (
      !this.cache.has(info.file) &&
      this.verified.has(info.file) &&
      this.readDirect(info, start, batch, row)
    ) {
      return;
    }
    copyEpisodeChunk(this.loadEpisode(index), start, batch, row);
  }

  /** A file found damaged while loading is reported, dropped from the index, and drawn again. */
  protected override draw<T>(draw: () => T): T {
    for (;;) {
      try {
        return draw();
      } catch (error) {
        if (!(error instanceof EpisodeFileError)) throw error;
        const file = this.infos.find((i) => join(this.dir, i.file) === error.file)?.file;
        if (!file) throw error;
        this.drop(file, error.message);
      }
    }
  }

  private drop(file: string, reason: string): void {
    const at = this.infos.findIndex((i) => i.file === file);
    if (at >= 0) {
      this.steps -= this.infos[at].length;
      this.infos.splice(at, 1);
      this.episodesChanged();
    }
    this.cache.delete(file);
    this.skip(file, reason);
  }

  private skip(file: string, reason: string): void {
    this.skippedFiles.push({ file, reason });
    this.options.onSkip?.(file, reason);
  }

  /**
   * Indexes a file listed by the manifest from its entry (the file is only stat-ed; its columns
   * are located when first read directly). Returns a reason when it is skipped.
   */
  private indexListed(entry: DatasetEpisode, spec: EpisodeSpec): string | undefined {
    const path = join(this.dir, entry.file);
    const size = existsSync(path) ? statSync(path).size : undefined;
    if (size !== entry.bytes) {
      const reason = `${path}: ${size === undefined ? 'is listed in' : `has ${size} bytes, not the ${entry.bytes} listed in`} ${MANIFEST_FILE}${size === undefined ? ' but missing' : ''}`;
      this.skip(entry.file, reason);
      return reason;
    }
    const mismatch = this.admit(spec);
    if (mismatch) {
      const reason = `${path}: episode has ${mismatch}`;
      this.skip(entry.file, reason);
      return reason;
    }
    this.listedSha.set(entry.file, entry.sha256);
    const info = {
      file: entry.file,
      bytes: entry.bytes,
      length: entry.length,
      return: entry.return,
    };
    this.infos.push({ ...info, spec, columns: {}, id: this.nextId++ });
    this.steps += entry.length;
    this.episodesChanged();
    return undefined;
  }

  /** Returns a reason when the file was skipped. */
  private indexFile(file: string): string | undefined {
    let info: EpisodeFileInfo;
    try {
      info = indexEpisodeFile(join(this.dir, file), file);
    } catch (error) {
      const reason = error instanceof EpisodeFileError ? error.message : String(error);
      this.skip(file, reason);
      return reason;
    }
    const mismatch = this.admit(info.spec);
    if (mismatch) {
      const reason = `${join(this.dir, file)}: episode has ${mismatch}`;
      this.skip(file, reason);
      return reason;
    }
    this.infos.push({ ...info, id: this.nextId++ });
    this.steps += info.length;
    this.episodesChanged();
    return undefined;
  }

  private remember(file: string, episode: Episode): void {
    const bytes = episodeBytes(episode);
    if (bytes > this.cacheBytes) return;
    this.cache.set(file, { episode, bytes });
    this.cacheStats.bytes += bytes;
    for (const [key, value] of this.cache) {
      if (this.cacheStats.bytes <= this.cacheBytes) break;
      this.cache.delete(key);
      this.cacheStats.bytes -= value.bytes;
      this.cacheStats.evictions++;
    }
    this.cacheStats.episodes = this.cache.size;
  }

  /** Copies chunk rows straight from a stored file; false when a column is not stored as f32/u8. */
  private readDirect(
    info: EpisodeFileInfo,
    start: number,
    batch: SequenceBatch,
    row: number,
  ): boolean {
    if (Object.keys(info.columns).length === 0) {
      // Indexed from a manifest: locate the columns now (zip directory and headers only).
      info.columns = indexEpisodeFile(join(this.dir, info.file), info.file).columns;
    }
    const L = batch.length;
    const plan: [Uint8Array, number, number][] = []; // target bytes, file position, row bytes
    const add = (
      key: 'image' | 'state' | 'action' | 'reward' | 'discount',
      target?: Uint8Array | Float32Array,
    ) => {
      if (!target) return true;
      const column = info.columns[key];
      if (!column || !isDirectlyReadable(column, key)) return false;
      const width = column.header.shape.slice(1).reduce((a, b) => a * b, 1);
      const rowBytes = width * target.BYTES_PER_ELEMENT;
      const bytes = new Uint8Array(
        target.buffer,
        target.byteOffset + row * L * rowBytes,
        L * rowBytes,
      );
      plan.push([
        bytes,
        column.entry.dataOffset + column.header.dataOffset + start * rowBytes,
        rowBytes,
      ]);
      return true;
    };
    const ok =
      add('image', batch.image) &&
      add('state', batch.state) &&
      add('action', batch.action) &&
      add('reward', batch.reward) &&
      add('discount', batch.discount);
    if (!ok) return false;
    let source: FileSource | undefined;
    try {
      source = new FileSource(join(this.dir, info.file));
      if (source.size !== info.bytes) throw new Error('changed on disk since it was indexed');
      for (const [target, position] of plan) source.readInto(position, target);
    } catch (error) {
      throw new EpisodeFileError(join(this.dir, info.file), (error as Error).message);
    } finally {
      source?.close();
    }
    this.cacheStats.directReads++;
    return true;
  }
}
