/**
 * Building and checking episodes in the layout of `Episode` (@vmbrl/core: row 0 is the reset
 * observation with a zero action, reward 0 and discount 1).
 */
import { DEFAULT_IMAGE_SHAPE, type Episode, type ImageShape } from '@vmbrl/core';

/** Columns used to construct an episode; shapes are inferred from `length` and validated. */
export interface EpisodeColumns {
  image?: Uint8Array;
  imageShape?: ImageShape;
  state?: Float32Array;
  action: Float32Array;
  reward: Float32Array;
  discount: Float32Array;
}

/**
 * Validates columns and returns an {@link Episode}. Throws one error naming the column whose size
 * does not fit and what was expected.
 */
export function makeEpisode(columns: EpisodeColumns): Episode {
  const { image, state, action, reward, discount } = columns;
  const length = reward.length;
  if (length < 1) throw new Error('episode: reward is empty; an episode has at least 1 row');
  if (discount.length !== length) {
    throw new Error(`episode: discount has ${discount.length} entries, expected T=${length}`);
  }
  if (action.length % length !== 0 || action.length === 0) {
    throw new Error(
      `episode: action has ${action.length} values, expected T*A with T=${length} and A >= 1`,
    );
  }
  const actionDim = action.length / length;
  if (!image && !state) throw new Error('episode: needs an image or a state column (none given)');
  let imageShape: ImageShape | undefined;
  if (image) {
    imageShape = columns.imageShape ?? DEFAULT_IMAGE_SHAPE;
    const frame = imageShape[0] * imageShape[1] * imageShape[2];
    if (image.length !== length * frame) {
      throw new Error(
        `episode: image has ${image.length} bytes, expected T*H*W*C = ${length}*${imageShape.join('*')}`,
      );
    }
  }
  let stateDim: number | undefined;
  if (state) {
    if (state.length % length !== 0 || state.length === 0) {
      throw new Error(`episode: state has ${state.length} values, expected T*S with T=${length}`);
    }
    stateDim = state.length / length;
  }
  return { length, image, imageShape, state, stateDim, action, actionDim, reward, discount };
}

/** Sum of rewards (row 0 holds 0 by convention, so this is the episode's return). */
export function episodeReturn(episode: Pick<Episode, 'reward'>): number {
  let total = 0;
  for (let i = 0; i < episode.reward.length; i++) total += episode.reward[i];
  return total;
}

/** Bytes held by the episode's columns (what a memory budget counts). */
export function episodeBytes(episode: Episode): number {
  return (
    (episode.image?.byteLength ?? 0) +
    (episode.state?.byteLength ?? 0) +
    episode.action.byteLength +
    episode.reward.byteLength +
    episode.discount.byteLength
  );
}

/** Bytes of one row of a column, used to copy contiguous chunks. */
export function frameSize(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

/**
 * Builds an episode step by step in the layout above: `start(obs)` stores the reset observation
 * with a zero action, reward 0 and discount 1; `add(action, reward, discount, obs)` appends the
 * transition that produced `obs`.
 */
export class EpisodeBuilder {
  private readonly images: Uint8Array[] = [];
  private readonly states: Float32Array[] = [];
  private readonly actions: Float32Array[] = [];
  private readonly rewards: number[] = [];
  private readonly discounts: number[] = [];

  /** @param actionDim A, the size of one action. @param imageShape frame shape when images are kept. */
  constructor(
    private readonly actionDim: number,
    private readonly imageShape: ImageShape = DEFAULT_IMAGE_SHAPE,
  ) {}

  /** Number of rows so far. */
  get length(): number {
    return this.rewards.length;
  }

  /** Stores the reset observation (row 0). */
  start(observation: { image?: Uint8Array; state?: Float32Array }): void {
    if (this.length !== 0) throw new Error('EpisodeBuilder.start: episode already started');
    this.push(new Float32Array(this.actionDim), 0, 1, observation);
  }

  /** Appends the transition (action, reward, discount) that led to `observation`. */
  add(
    action: ArrayLike<number>,
    reward: number,
    discount: number,
    observation: { image?: Uint8Array; state?: Float32Array },
  ): void {
    if (this.length === 0) throw new Error('EpisodeBuilder.add: call start(observation) first');
    if (action.length !== this.actionDim) {
      throw new Error(
        `EpisodeBuilder.add: action has ${action.length} values, expected ${this.actionDim}`,
      );
    }
    this.push(Float32Array.from(action), reward, discount, observation);
  }

  /** Concatenates the rows into an {@link Episode}. */
  finish(): Episode {
    const length = this.length;
    const concat = <T extends Uint8Array | Float32Array>(parts: T[], make: (n: number) => T): T => {
      const out = make(parts.reduce((n, p) => n + p.length, 0));
      let offset = 0;
      for (const p of parts) {
        out.set(p, offset);
        offset += p.length;
      }
      return out;
    };
    return makeEpisode({
      image:
        this.images.length === length && length > 0
          ? concat(this.images, (n) => new Uint8Array(n))
          : undefined,
      imageShape: this.imageShape,
      state:
        this.states.length === length && length > 0
          ? concat(this.states, (n) => new Float32Array(n))
          : undefined,
      action: concat(this.actions, (n) => new Float32Array(n)),
      reward: Float32Array.from(this.rewards),
      discount: Float32Array.from(this.discounts),
    });
  }

  private push(
    action: Float32Array,
    reward: number,
    discount: number,
    observation: { image?: Uint8Array; state?: Float32Array },
  ): void {
    if (observation.image) this.images.push(observation.image.slice());
    if (observation.state) this.states.push(observation.state.slice());
    this.actions.push(action);
    this.rewards.push(reward);
    this.discounts.push(discount);
  }
}
