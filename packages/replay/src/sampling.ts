/**
 * Uniform sampling of fixed-length chunks from a set of episodes (PlaNet/Dreamer world-model
 * batches) and of K-step transition sequences (ALM), into flat typed arrays.
 *
 * Every valid start position across all stored steps is equally likely: an episode of T rows
 * offers T - L + 1 starts for chunks of length L. Episodes shorter than L offer none and are
 * skipped (not padded), so a batch never contains padding or a chunk crossing an episode
 * boundary.
 */
import {
  type ImageShape,
  type ObservationKey,
  type SequenceBatch,
  type TransitionBatch,
  type Validator,
  validator,
} from '@vmbrl/core';

/** What is common to all episodes of a source. */
export interface EpisodeSpec {
  actionDim: number;
  imageShape?: ImageShape;
  stateDim?: number;
}

/** Something to sample from: the episode buffer in memory or the disk store. */
export interface ChunkSource {
  /** Shapes shared by all episodes; undefined while empty. */
  readonly spec: EpisodeSpec | undefined;
  /** Rows T of every episode, in a stable order (index = position in this list). */
  episodeLengths(): readonly number[];
  /** A stable id of the episode at `index` (for provenance in batches). */
  episodeId(index: number): number;
  /** Copies rows [start, start+L) of episode `index` into row `row` of `batch`. */
  copyChunk(index: number, start: number, batch: SequenceBatch, row: number): void;
}

/** The randomness a sampler needs (`Rng` from `@vmbrl/tensor/random` provides it). */
export interface IntSource {
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** Allocates an empty batch for the given spec and columns. */
export function allocateBatch(
  spec: EpisodeSpec,
  batchSize: number,
  length: number,
  keys: readonly ObservationKey[],
): SequenceBatch {
  const B = batchSize;
  const L = length;
  const shapes: SequenceBatch['shapes'] = {
    action: [B, L, spec.actionDim],
    reward: [B, L],
    discount: [B, L],
  };
  const batch: SequenceBatch = {
    batchSize: B,
    length: L,
    action: new Float32Array(B * L * spec.actionDim),
    reward: new Float32Array(B * L),
    discount: new Float32Array(B * L),
    shapes,
    episodeIds: new Int32Array(B),
    starts: new Int32Array(B),
  };
  if (keys.includes('image')) {
    const [H, W, C] = spec.imageShape!;
    // Every byte is overwritten by the chunks, so skip zero-filling ~30 MB per B=L=50 batch.
    const bytes = Buffer.allocUnsafeSlow(B * L * H * W * C);
    batch.image = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    shapes.image = [B, L, H, W, C];
  }
  if (keys.includes('state')) {
    batch.state = new Float32Array(B * L * spec.stateDim!);
    shapes.state = [B, L, spec.stateDim!];
  }
  return batch;
}

/**
 * True when `batch` has exactly the columns and sizes a new batch would have, so its memory can
 * be overwritten instead of allocating ~30 MB (B = L = 50) again.
 */
function fitsBatch(
  batch: SequenceBatch,
  spec: EpisodeSpec,
  batchSize: number,
  length: number,
  keys: readonly ObservationKey[],
): boolean {
  const frame = spec.imageShape ? spec.imageShape[0] * spec.imageShape[1] * spec.imageShape[2] : 0;
  const rows = batchSize * length;
  return (
    batch.batchSize === batchSize &&
    batch.length === length &&
    batch.action.length === rows * spec.actionDim &&
    (batch.image?.length ?? 0) === (keys.includes('image') ? rows * frame : 0) &&
    (batch.state?.length ?? 0) === (keys.includes('state') ? rows * (spec.stateDim ?? 0) : 0)
  );
}

/** Picks which observation columns to return, checking the request against the spec. */
export function resolveKeys(spec: EpisodeSpec, keys?: readonly ObservationKey[]): ObservationKey[] {
  const available: ObservationKey[] = [];
  if (spec.imageShape) available.push('image');
  if (spec.stateDim !== undefined) available.push('state');
  if (!keys) return available;
  for (const key of keys) {
    if (!available.includes(key)) {
      throw new Error(`sample: column '${key}' is not stored (available: ${available.join(', ')})`);
    }
  }
  return [...keys];
}

const check: Validator = validator('sample');

/**
 * Draws B (episode index, start) pairs uniformly over all valid starts for chunks of length L.
 * Throws a clear error when no episode has L rows.
 */
export function drawStarts(
  lengths: readonly number[],
  batchSize: number,
  length: number,
  rng: IntSource,
): { index: Int32Array; start: Int32Array } {
  check.integer('batchSize', batchSize, 1);
  check.integer('length', length, 1);
  const cumulative = new Float64Array(lengths.length);
  let total = 0;
  let longest = 0;
  for (let i = 0; i < lengths.length; i++) {
    total += Math.max(0, lengths[i] - length + 1);
    cumulative[i] = total;
    longest = Math.max(longest, lengths[i]);
  }
  if (total === 0) {
    throw new Error(
      lengths.length === 0
        ? 'sample: the buffer is empty; add episodes before sampling'
        : `sample: no stored episode has ${length} rows (longest has ${longest}); sample shorter chunks or collect longer episodes`,
    );
  }
  const index = new Int32Array(batchSize);
  const start = new Int32Array(batchSize);
  for (let b = 0; b < batchSize; b++) {
    const r = rng.int(total);
    // First episode whose cumulative count exceeds r (binary search).
    let lo = 0;
    let hi = lengths.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    index[b] = lo;
    start[b] = r - (lo === 0 ? 0 : cumulative[lo - 1]);
  }
  return { index, start };
}

/** Samples B chunks of L rows from `source` (see the module comment for the distribution). */
export function sampleSequences(
  source: ChunkSource,
  batchSize: number,
  length: number,
  rng: IntSource,
  keys?: readonly ObservationKey[],
  reuse?: SequenceBatch,
): SequenceBatch {
  const spec = source.spec;
  if (!spec) throw new Error('sample: the buffer is empty; add episodes before sampling');
  const { index, start } = drawStarts(source.episodeLengths(), batchSize, length, rng);
  const wanted = resolveKeys(spec, keys);
  const batch =
    reuse && fitsBatch(reuse, spec, batchSize, length, wanted)
      ? reuse
      : allocateBatch(spec, batchSize, length, wanted);
  for (let b = 0; b < batchSize; b++) {
    source.copyChunk(index[b], start[b], batch, b);
    batch.episodeIds[b] = source.episodeId(index[b]);
    batch.starts[b] = start[b];
  }
  return batch;
}

/**
 * Samples B sequences of K transitions: a chunk of K+1 rows whose first action/reward/discount
 * (those that led into the first observation) are dropped.
 */
export function sampleTransitions(
  source: ChunkSource,
  batchSize: number,
  steps: number,
  rng: IntSource,
  keys?: readonly ObservationKey[],
): TransitionBatch {
  check.integer('steps', steps, 1);
  const chunk = sampleSequences(source, batchSize, steps + 1, rng, keys);
  const B = batchSize;
  const K = steps;
  const A = source.spec!.actionDim;
  const action = new Float32Array(B * K * A);
  const reward = new Float32Array(B * K);
  const discount = new Float32Array(B * K);
  for (let b = 0; b < B; b++) {
    const from = b * (K + 1) + 1;
    action.set(chunk.action.subarray(from * A, (from + K) * A), b * K * A);
    reward.set(chunk.reward.subarray(from, from + K), b * K);
    discount.set(chunk.discount.subarray(from, from + K), b * K);
  }
  const shapes: TransitionBatch['shapes'] = {
    action: [B, K, A],
    reward: [B, K],
    discount: [B, K],
  };
  if (chunk.shapes.image) shapes.image = chunk.shapes.image;
  if (chunk.shapes.state) shapes.state = chunk.shapes.state;
  return {
    batchSize: B,
    steps: K,
    image: chunk.image,
    state: chunk.state,
    action,
    reward,
    discount,
    shapes,
    episodeIds: chunk.episodeIds,
    starts: chunk.starts,
  };
}

/** Checks that an episode's shapes match a spec; returns a message or undefined. */
export function specMismatch(spec: EpisodeSpec, other: EpisodeSpec): string | undefined {
  if (spec.actionDim !== other.actionDim) {
    return `action dim ${other.actionDim}, expected ${spec.actionDim}`;
  }
  const shapeText = (s?: ImageShape) => (s ? s.join('x') : 'none');
  if (shapeText(spec.imageShape) !== shapeText(other.imageShape)) {
    return `image shape ${shapeText(other.imageShape)}, expected ${shapeText(spec.imageShape)}`;
  }
  if (spec.stateDim !== other.stateDim) {
    return `state dim ${other.stateDim ?? 'none'}, expected ${spec.stateDim ?? 'none'}`;
  }
  return undefined;
}
