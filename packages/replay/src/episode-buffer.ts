/**
 * In-memory replay: whole episodes kept as typed arrays (images uint8), bounded by a capacity
 * in steps with the oldest episodes evicted first.
 */
import { type Episode, type SequenceBatch, validator } from '@vmbrl/core';
import { episodeBytes, frameSize } from './episode';
import { EpisodeStore } from './episode-store';
import type { EpisodeSpec } from './sampling';

/** The shapes of one episode as an {@link EpisodeSpec}. */
export function specOf(episode: Episode): EpisodeSpec {
  return {
    actionDim: episode.actionDim,
    imageShape: episode.imageShape,
    stateDim: episode.stateDim,
  };
}

/** Copies rows [start, start + batch.length) of `episode` into row `row` of `batch`. */
export function copyEpisodeChunk(
  episode: Episode,
  start: number,
  batch: SequenceBatch,
  row: number,
): void {
  const L = batch.length;
  // Each column is [T, ...] row-major, so a chunk is one contiguous range: one memcpy per column.
  const copy = (
    target: Uint8Array | Float32Array | undefined,
    source: Uint8Array | Float32Array | undefined,
    width: number,
  ) => {
    if (!target) return;
    if (!source) throw new Error('copyChunk: episode lacks a column the batch asks for');
    target.set(source.subarray(start * width, (start + L) * width), row * L * width);
  };
  copy(batch.image, episode.image, episode.imageShape ? frameSize(episode.imageShape) : 0);
  copy(batch.state, episode.state, episode.stateDim ?? 0);
  copy(batch.action, episode.action, episode.actionDim);
  copy(batch.reward, episode.reward, 1);
  copy(batch.discount, episode.discount, 1);
}

/** Options of {@link EpisodeBuffer}. */
export interface EpisodeBufferOptions {
  /** Maximum number of stored rows (steps) over all episodes; oldest episodes are evicted. */
  capacitySteps: number;
}

/**
 * Episodes in memory with a capacity in steps. After `add`, the stored episodes are the newest
 * ones whose total length fits the capacity (an episode longer than the whole capacity is kept
 * alone, so the newest data is never dropped).
 */
export class EpisodeBuffer extends EpisodeStore {
  private readonly stored: { id: number; episode: Episode }[] = [];
  private nextId = 0;
  private steps = 0;
  private bytes = 0;
  readonly capacitySteps: number;

  constructor(options: EpisodeBufferOptions) {
    super();
    const { capacitySteps } = options;
    validator('EpisodeBuffer').integer('capacitySteps', capacitySteps, 1);
    this.capacitySteps = capacitySteps;
  }

  /** Number of stored episodes. */
  get numEpisodes(): number {
    return this.stored.length;
  }

  /** Number of stored rows over all episodes. */
  get numSteps(): number {
    return this.steps;
  }

  /** Bytes held by stored columns. */
  get numBytes(): number {
    return this.bytes;
  }

  /**
   * Adds an episode (kept by reference; do not mutate it afterwards), evicting the oldest while
   * over capacity. Returns the episode's id. Throws if its shapes differ from stored episodes.
   */
  add(episode: Episode): number {
    const mismatch = this.admit(specOf(episode));
    if (mismatch) throw new Error(`EpisodeBuffer.add: episode has ${mismatch}`);
    const id = this.nextId++;
    this.stored.push({ id, episode });
    this.steps += episode.length;
    this.bytes += episodeBytes(episode);
    while (this.steps > this.capacitySteps && this.stored.length > 1) {
      const evicted = this.stored.shift()!;
      this.steps -= evicted.episode.length;
      this.bytes -= episodeBytes(evicted.episode);
    }
    this.episodesChanged();
    return id;
  }

  /** Stored episodes, oldest first, with their ids. */
  episodes(): readonly { id: number; episode: Episode }[] {
    return this.stored;
  }

  protected storedLengths(): number[] {
    return this.stored.map((s) => s.episode.length);
  }

  episodeId(index: number): number {
    return this.stored[index].id;
  }

  copyChunk(index: number, start: number, batch: SequenceBatch, row: number): void {
    copyEpisodeChunk(this.stored[index].episode, start, batch, row);
  }
}
