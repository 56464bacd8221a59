/**
 * What the in-memory buffer and the disk store share: the shapes their episodes must agree on,
 * the episodes' lengths in sampling order, and drawing chunks and transition sequences.
 */
import type { SequenceBatch, TransitionBatch } from '@vmbrl/core';
import {
  type ChunkSource,
  type EpisodeSpec,
  sampleSequences,
  sampleTransitions,
  specMismatch,
} from './sampling';

/** The parameters of a sampling function after its source. */
type AfterSource<F> = F extends (source: ChunkSource, ...rest: infer R) => unknown ? R : never;

/** A set of episodes to sample from; subclasses store them and copy their rows. */
export abstract class EpisodeStore implements ChunkSource {
  private currentSpec: EpisodeSpec | undefined;
  private lengthsCache: number[] | null = null;

  /** Shapes shared by all episodes (fixed by the first one admitted). */
  get spec(): EpisodeSpec | undefined {
    return this.currentSpec;
  }

  /** Rows T of the stored episodes, in sampling order (computed when they changed). */
  protected abstract storedLengths(): number[];

  abstract episodeId(index: number): number;

  abstract copyChunk(index: number, start: number, batch: SequenceBatch, row: number): void;

  episodeLengths(): readonly number[] {
    if (!this.lengthsCache) this.lengthsCache = this.storedLengths();
    return this.lengthsCache;
  }

  /** To call after episodes were added or removed. */
  protected episodesChanged(): void {
    this.lengthsCache = null;
  }

  /**
   * Why an episode with `spec` cannot join the stored ones (undefined when it can); the first
   * one admitted fixes the shapes unless `checkOnly`.
   */
  protected admit(spec: EpisodeSpec, checkOnly = false): string | undefined {
    if (this.currentSpec) return specMismatch(this.currentSpec, spec);
    if (!checkOnly) this.currentSpec = spec;
    return undefined;
  }

  /**
   * B chunks of L rows, every valid start equally likely: `sampleSequences(this, ...args)` (pass
   * a batch you are done with as `reuse` to overwrite its memory instead of allocating).
   */
  sample(...args: AfterSource<typeof sampleSequences>): SequenceBatch {
    return this.draw(() => sampleSequences(this, ...args));
  }

  /** B sequences of K transitions for ALM: `sampleTransitions(this, ...args)`. */
  sampleTransitions(...args: AfterSource<typeof sampleTransitions>): TransitionBatch {
    return this.draw(() => sampleTransitions(this, ...args));
  }

  /** Runs one draw of a batch (the disk store retries after dropping a damaged file). */
  protected draw<T>(sample: () => T): T {
    return sample();
  }
}
