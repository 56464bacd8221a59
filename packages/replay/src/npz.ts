import { type Episode, FileError, type ImageShape, writeFileAtomic } from '@vmbrl/core';
/**
 * `.npz` archives (a zip of `<key>.npy` entries, as `numpy.savez` / `numpy.savez_compressed`
 * write them) and the episode file format built on them.
 */
import { zipSync } from 'fflate';
import { makeEpisode } from './episode';
import { checkEpisodeKeys } from './episode-keys';
import { type NpyArray, decodeNpy, dtypeOf, encodeNpy, toFloat32 } from './npy';
import {
  BufferSource,
  type ByteSource,
  FileSource,
  readZipDirectory,
  readZipEntry,
} from './zip-directory';

/** An error about one episode file; the message starts with the file's path. */
export class EpisodeFileError extends FileError {
  override name = 'EpisodeFileError';
}

/** Options for writing archives. */
export interface NpzWriteOptions {
  /** Deflate the entries (like `numpy.savez_compressed`); default false (stored, like `savez`). */
  compress?: boolean;
}

/**
 * Every entry is stamped 1980-01-01 00:00 (the zip format's epoch) instead of the current time,
 * so the same arrays always encode to the same bytes: a dataset can recognise an episode it
 * already holds by its sha256.
 */
const ENTRY_TIME = new Date(1980, 0, 1);

/** Encodes named arrays as `.npz` bytes (entry names are `<key>.npy`); deterministic. */
export function encodeNpz(
  arrays: Record<string, NpyArray>,
  options: NpzWriteOptions = {},
): Uint8Array {
  const level = options.compress ? 6 : 0;
  const files: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [key, array] of Object.entries(arrays))
    files[`${key}.npy`] = [encodeNpy(array), { level }];
  return zipSync(files, { level, mtime: ENTRY_TIME });
}

/** Decodes all arrays of an archive held by `source`; every entry's CRC-32 is checked. */
export function decodeNpzSource(source: ByteSource): Map<string, NpyArray> {
  const out = new Map<string, NpyArray>();
  for (const [name, entry] of readZipDirectory(source)) {
    if (!name.endsWith('.npy')) continue;
    try {
      out.set(name.slice(0, -4), decodeNpy(readZipEntry(source, entry)));
    } catch (error) {
      const message = (error as Error).message;
      throw new Error(message.startsWith('entry ') ? message : `entry ${name}: ${message}`);
    }
  }
  return out;
}

/** Decodes `.npz` bytes. */
export function decodeNpz(bytes: Uint8Array): Map<string, NpyArray> {
  return decodeNpzSource(new BufferSource(bytes));
}

/** Reads an `.npz` file; errors name the file. */
export function readNpz(path: string): Map<string, NpyArray> {
  let source: FileSource | undefined;
  try {
    source = new FileSource(path);
    return decodeNpzSource(source);
  } catch (error) {
    throw new EpisodeFileError(path, (error as Error).message);
  } finally {
    source?.close();
  }
}

/** Writes named arrays to an `.npz` file atomically. */
export function writeNpz(
  path: string,
  arrays: Record<string, NpyArray>,
  options: NpzWriteOptions = {},
): void {
  writeFileAtomic(path, encodeNpz(arrays, options));
}

/** The arrays of an episode under Dreamer's key names. */
export function episodeToArrays(episode: Episode): Record<string, NpyArray> {
  const T = episode.length;
  const arrays: Record<string, NpyArray> = {};
  if (episode.image) {
    arrays.image = { dtype: '|u1', shape: [T, ...episode.imageShape!], data: episode.image };
  }
  if (episode.state) {
    arrays.state = { dtype: '<f4', shape: [T, episode.stateDim!], data: episode.state };
  }
  arrays.action = { dtype: '<f4', shape: [T, episode.actionDim], data: episode.action };
  arrays.reward = { dtype: '<f4', shape: [T], data: episode.reward };
  arrays.discount = { dtype: '<f4', shape: [T], data: episode.discount };
  return arrays;
}

/**
 * Builds an episode from decoded arrays (ours or numpy/Dreamer-written). Numeric columns in
 * f8/i4/i8/b1 are converted to float32; a 1-d action becomes [T,1]; other keys are ignored.
 */
export function episodeFromArrays(arrays: Map<string, NpyArray>): Episode {
  checkEpisodeKeys(new Set(arrays.keys()));
  const get = (key: string): NpyArray | undefined => arrays.get(key);
  const reward = get('reward');
  const action = get('action');
  const discount = get('discount');
  const T = reward!.shape[0] ?? 1;
  const checkRows = (key: string, a: NpyArray, ndim: number[]): void => {
    if (!ndim.includes(a.shape.length) || a.shape[0] !== T) {
      throw new Error(
        `'${key}' has shape (${a.shape.join(', ')}), expected ${ndim.join(' or ')}-d with T=${T} rows`,
      );
    }
  };
  checkRows('reward', reward!, [1]);
  checkRows('discount', discount!, [1]);
  checkRows('action', action!, [1, 2]);
  const image = get('image');
  let imageShape: ImageShape | undefined;
  if (image) {
    checkRows('image', image, [4]);
    if (image.dtype !== '|u1')
      throw new Error(`'image' has dtype ${image.dtype}, expected |u1 (uint8)`);
    imageShape = [image.shape[1], image.shape[2], image.shape[3]];
  }
  const state = get('state');
  if (state) checkRows('state', state, [1, 2]);
  return makeEpisode({
    image: image ? (image.data as Uint8Array) : undefined,
    imageShape,
    state: state ? toFloat32(state) : undefined,
    action: toFloat32(action!),
    reward: toFloat32(reward!),
    discount: toFloat32(discount!),
  });
}

/** Reads one episode file. Errors (corrupt, truncated, wrong keys) name the file. */
export function readEpisode(path: string): Episode {
  const arrays = readNpz(path);
  try {
    return episodeFromArrays(arrays);
  } catch (error) {
    throw new EpisodeFileError(path, (error as Error).message);
  }
}

/** Writes one episode file atomically (stored entries unless `compress`). */
export function writeEpisode(path: string, episode: Episode, options: NpzWriteOptions = {}): void {
  writeNpz(path, episodeToArrays(episode), options);
}

/** Re-exported for callers that build arrays by hand. */
export { dtypeOf };
