/**
 * DreamerV3's step layout, converted to and from ours (facts from danijar/dreamerv3: the env
 * wrappers `from_dm.py`/`dmc.py`, the `Driver` and the replay's `Chunk`).
 *
 * DreamerV3 stores one row per step t: the observation (`image`, uint8 [H,W,C], the only key of
 * rank 3 for the control suite; vectors under their own names), `reward` (received on arriving at
 * observation t; 0 on the first row), the flags `is_first`, `is_last`, `is_terminal` (bool;
 * terminal means discount 0, a time limit is last but not terminal) and `action`, the action the
 * policy took **at** observation t (zeroed on the last row, where no action is taken).
 *
 * Ours (Dreamer-v1): row t holds the action that led **to** observation t (zero on row 0), and
 * `discount` is 0 on a terminal row. So, for an episode of T rows:
 *   ours.action[0] = 0,   ours.action[t] = v3.action[t-1]   (t >= 1)
 *   v3.action[t] = ours.action[t+1] (t < T-1),   v3.action[T-1] = 0
 *   discount[t] = is_terminal[t] ? 0 : 1;  is_first = [1, 0, ...];  is_last = [..., 0, 1]
 * Images, states and rewards are the same rows.
 */
import type { Episode, ImageShape } from '@vmbrl/core';
import { makeEpisode } from './episode';
import { DREAMERV3_FLAG_KEYS } from './episode-keys';
import { FLOAT16_MAX, toFloat16Bits } from './float16';
import { type NpyArray, toFloat32 } from './npy';

/** Options of {@link episodeToDreamerV3}. */
export interface DreamerV3ExportOptions {
  /** Write action, reward and state as float16 (`<f2`) instead of float32. */
  float16?: boolean;
}

/** Options for reading DreamerV3 rows. */
export interface DreamerV3ImportOptions {
  /** The image key; default `image`, else the only uint8 [T,H,W,C] key. */
  imageKey?: string;
}

/** A run of DreamerV3 rows with the columns we keep, as flat float32 / uint8 arrays. */
export interface DreamerV3Rows {
  rows: number;
  image?: Uint8Array;
  imageShape?: ImageShape;
  state?: Float32Array;
  stateDim?: number;
  action: Float32Array;
  actionDim: number;
  reward: Float32Array;
  isFirst: Uint8Array;
  isLast: Uint8Array;
  isTerminal: Uint8Array;
}

function flags(values: Float32Array): Uint8Array {
  return Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
}

/** Picks the image key: the one asked for, `image`, or the only uint8 array of rank 4. */
function imageKeyOf(arrays: Map<string, NpyArray>, asked?: string): string | undefined {
  if (asked !== undefined) {
    if (!arrays.has(asked)) {
      throw new Error(`no key '${asked}' (keys: ${[...arrays.keys()].join(', ')})`);
    }
    return asked;
  }
  if (arrays.has('image')) return 'image';
  const candidates = [...arrays].filter(([, a]) => a.dtype === '|u1' && a.shape.length === 4);
  if (candidates.length > 1) {
    throw new Error(
      `several image keys (${candidates.map(([k]) => k).join(', ')}); choose one with --image-key`,
    );
  }
  return candidates[0]?.[0];
}

/**
 * The rows of one DreamerV3 file, checked: the flags and `reward`, `action`, an image (see
 * {@link DreamerV3ImportOptions}) or a `state` vector, all with the same number of rows. Other
 * keys (proprioceptive vectors, `stepid`, policy outputs) are ignored. Throws an Error saying
 * what is wrong; the caller names the file.
 */
export function readDreamerV3Rows(
  arrays: Map<string, NpyArray>,
  options: DreamerV3ImportOptions = {},
): DreamerV3Rows {
  const allowed = `a DreamerV3 episode needs ${DREAMERV3_FLAG_KEYS.join(', ')}, reward, action and an image (uint8 [T,H,W,C]) or state`;
  for (const key of [...DREAMERV3_FLAG_KEYS, 'reward', 'action']) {
    if (!arrays.has(key)) throw new Error(`missing key '${key}' (${allowed})`);
  }
  const imageKey = imageKeyOf(arrays, options.imageKey);
  const state = arrays.get('state');
  if (imageKey === undefined && !state) {
    throw new Error(`no image or state key among ${[...arrays.keys()].join(', ')} (${allowed})`);
  }
  const rows = arrays.get('is_first')!.shape[0] ?? 0;
  const check = (key: string, ranks: number[]): NpyArray => {
    const a = arrays.get(key)!;
    if (!ranks.includes(a.shape.length) || a.shape[0] !== rows) {
      throw new Error(
        `'${key}' has shape (${a.shape.join(', ')}), expected ${ranks.join(' or ')}-d with ${rows} rows like is_first`,
      );
    }
    return a;
  };
  for (const key of DREAMERV3_FLAG_KEYS) check(key, [1]);
  check('reward', [1]);
  const action = check('action', [1, 2]);
  let image: NpyArray | undefined;
  if (imageKey !== undefined) {
    image = check(imageKey, [4]);
    if (image.dtype !== '|u1') {
      throw new Error(`'${imageKey}' has dtype ${image.dtype}, expected |u1 (uint8 frames)`);
    }
  }
  if (state) check('state', [1, 2]);
  const width = (a: NpyArray) => (a.shape.length === 1 ? 1 : a.shape[1]);
  return {
    rows,
    image: image?.data as Uint8Array | undefined,
    imageShape: image ? [image.shape[1], image.shape[2], image.shape[3]] : undefined,
    state: state ? toFloat32(state) : undefined,
    stateDim: state ? width(state) : undefined,
    action: toFloat32(action),
    actionDim: width(action),
    reward: toFloat32(arrays.get('reward')!),
    isFirst: flags(toFloat32(arrays.get('is_first')!)),
    isLast: flags(toFloat32(arrays.get('is_last')!)),
    isTerminal: flags(toFloat32(arrays.get('is_terminal')!)),
  };
}

/** A slice [start, end) of some rows. */
export interface RowSlice {
  rows: DreamerV3Rows;
  start: number;
  end: number;
}

/**
 * Our episode from consecutive DreamerV3 slices (one episode: is_first on its first row,
 * is_last on its last). Throws when a row other than the last is terminal.
 */
export function episodeFromDreamerV3(slices: readonly RowSlice[]): Episode {
  const T = slices.reduce((n, s) => n + s.end - s.start, 0);
  const { rows: head } = slices[0];
  const A = head.actionDim;
  const frame = head.imageShape ? head.imageShape[0] * head.imageShape[1] * head.imageShape[2] : 0;
  const image = head.image ? new Uint8Array(T * frame) : undefined;
  const S = head.stateDim ?? 0;
  const state = head.state ? new Float32Array(T * S) : undefined;
  const action = new Float32Array(T * A);
  const reward = new Float32Array(T);
  const discount = new Float32Array(T);
  let t = 0;
  for (const { rows, start, end } of slices) {
    for (let r = start; r < end; r++, t++) {
      if (rows.isTerminal[r] && t !== T - 1) {
        throw new Error(`row ${r} is terminal but not the episode's last (is_last is not set)`);
      }
      image?.set(rows.image!.subarray(r * frame, (r + 1) * frame), t * frame);
      state?.set(rows.state!.subarray(r * S, (r + 1) * S), t * S);
      // v3 row r's action led to the next observation: our row t + 1.
      if (t + 1 < T) action.set(rows.action.subarray(r * A, (r + 1) * A), (t + 1) * A);
      reward[t] = rows.reward[r];
      discount[t] = rows.isTerminal[r] ? 0 : 1;
    }
  }
  return makeEpisode({ image, imageShape: head.imageShape, state, action, reward, discount });
}

/** DreamerV3's arrays of one episode (see the module comment); refuses fractional discounts. */
export function episodeToDreamerV3(
  episode: Episode,
  options: DreamerV3ExportOptions = {},
): Record<string, NpyArray> {
  const T = episode.length;
  const A = episode.actionDim;
  const isTerminal = new Uint8Array(T);
  for (let t = 0; t < T; t++) {
    const d = episode.discount[t];
    if (d !== 0 && d !== 1) {
      throw new Error(
        `discount[${t}] = ${d}; DreamerV3 stores only terminal flags (allowed discounts: 0 or 1)`,
      );
    }
    if (d === 0 && t !== T - 1) {
      throw new Error(`discount[${t}] = 0 before the last row; DreamerV3 ends an episode there`);
    }
    isTerminal[t] = d === 0 ? 1 : 0;
  }
  const action = new Float32Array(T * A);
  action.set(episode.action.subarray(A)); // row t takes our row t + 1; the last row stays zero
  const isFirst = new Uint8Array(T);
  isFirst[0] = 1;
  const isLast = new Uint8Array(T);
  isLast[T - 1] = 1;
  const float = (key: string, data: Float32Array, shape: number[]): NpyArray => {
    if (!options.float16) return { dtype: '<f4', shape, data };
    const outside = data.findIndex((v) => Math.abs(v) > FLOAT16_MAX);
    if (outside >= 0) {
      throw new Error(
        `${key} value ${data[outside]} does not fit float16 (allowed: |x| <= ${FLOAT16_MAX}); export without --float16`,
      );
    }
    return { dtype: '<f2', shape, data: toFloat16Bits(data) };
  };
  const arrays: Record<string, NpyArray> = {};
  if (episode.image) {
    arrays.image = { dtype: '|u1', shape: [T, ...episode.imageShape!], data: episode.image };
  }
  if (episode.state) arrays.state = float('state', episode.state, [T, episode.stateDim!]);
  arrays.action = float('action', action, [T, A]);
  arrays.reward = float('reward', episode.reward, [T]);
  arrays.is_first = { dtype: '|b1', shape: [T], data: isFirst };
  arrays.is_last = { dtype: '|b1', shape: [T], data: isLast };
  arrays.is_terminal = { dtype: '|b1', shape: [T], data: isTerminal };
  return arrays;
}
