/**
 * The data contracts between the environment loop, the replay and the learners: an episode as
 * columns, and the batches sampled from episodes (chunks of L rows, K-step transitions).
 *
 * Row convention (the same as Dreamer's reference collector, so numpy-written Dreamer episodes
 * import unchanged): row 0 holds the first observation after `reset()` with a zero action,
 * reward 0 and discount 1. For t >= 1, `action[t]` is the action taken at observation t-1 that
 * led to observation t, `reward[t]` the reward of that transition and `discount[t]` is 0 if
 * observation t is terminal (1 otherwise; a time limit is not terminal). An episode of N
 * environment steps has T = N + 1 rows, and its return is `sum(reward)`.
 */

/** Image shape of one frame, [height, width, channels]. */
export type ImageShape = readonly [number, number, number];

/** The default frame shape of the project (64x64 RGB, HWC). */
export const DEFAULT_IMAGE_SHAPE: ImageShape = [64, 64, 3];

/**
 * One episode stored as columns of flat typed arrays (row-major, time first).
 * At least one observation column (`image` or `state`) is present.
 */
export interface Episode {
  /** Number of rows T (observations), including the reset observation at index 0. */
  readonly length: number;
  /** Frames, uint8 [T, H, W, C]. */
  readonly image?: Uint8Array;
  /** Frame shape [H, W, C]; present when `image` is. */
  readonly imageShape?: ImageShape;
  /** Low-dimensional observations, float32 [T, S]. */
  readonly state?: Float32Array;
  /** S, present when `state` is. */
  readonly stateDim?: number;
  /** Actions, float32 [T, A]; row t is the action that led to observation t (row 0 is zeros). */
  readonly action: Float32Array;
  /** A. */
  readonly actionDim: number;
  /** Rewards, float32 [T]; entry t is the reward for reaching observation t (entry 0 is 0). */
  readonly reward: Float32Array;
  /** Discounts, float32 [T]; 0 where observation t is terminal. */
  readonly discount: Float32Array;
}

/** Observation columns a batch can carry. */
export type ObservationKey = 'image' | 'state';

/**
 * A batch of B chunks of L consecutive rows, each column flat and row-major:
 * image uint8 [B,L,H,W,C], state f32 [B,L,S], action f32 [B,L,A], reward f32 [B,L],
 * discount f32 [B,L]. Layout within a chunk follows {@link Episode}: `action[b,t]` led to
 * observation t.
 */
export interface SequenceBatch {
  batchSize: number;
  length: number;
  image?: Uint8Array;
  state?: Float32Array;
  action: Float32Array;
  reward: Float32Array;
  discount: Float32Array;
  /** Shape of each column present. */
  shapes: Record<'action' | 'reward' | 'discount', number[]> &
    Partial<Record<ObservationKey, number[]>>;
  /** Provenance: episode id and start row of each chunk. */
  episodeIds: Int32Array;
  starts: Int32Array;
}

/**
 * The part of a {@link SequenceBatch} a world model reads: images (required by the models),
 * actions and rewards, [B, L, ...]. Every SequenceBatch is one; synthetic batches need only this.
 */
export type ModelBatch = Pick<
  SequenceBatch,
  'batchSize' | 'length' | 'image' | 'action' | 'reward'
>;

/**
 * K-step transition sequences (ALM): observations at rows s..s+K ([B,K+1,...]) and the K
 * transitions between them; `action[b,k]`, `reward[b,k]`, `discount[b,k]` belong to the step from
 * observation k to observation k+1 ([B,K,...]).
 */
export interface TransitionBatch extends Omit<SequenceBatch, 'length'> {
  /** K, the transitions per sequence. */
  steps: number;
}
