import type { ImageShape } from '@vmbrl/core';
/**
 * Indexing an episode file from its zip directory and `.npy` headers only (plus the small
 * reward column), so a store can sample without reading the frames of every episode.
 */
import { Inflate } from 'fflate';
import { checkEpisodeKeys } from './episode-keys';
import { type NpyHeader, parseNpyHeader } from './npy';
import { decodeNpy, toFloat32 } from './npy';
import { EpisodeFileError } from './npz';
import type { EpisodeSpec } from './sampling';
import {
  type ByteSource,
  FileSource,
  type ZipEntry,
  readZipDirectory,
  readZipEntry,
} from './zip-directory';

/** Where a column lives in the file. */
export interface ColumnLocation {
  entry: ZipEntry;
  header: NpyHeader;
}

/** What the index knows about one episode file. */
export interface EpisodeFileInfo {
  /** File name inside the store directory. */
  file: string;
  /** File size in bytes when indexed. */
  bytes: number;
  length: number;
  /** Sum of rewards. */
  return: number;
  spec: EpisodeSpec;
  columns: Partial<Record<'image' | 'state' | 'action' | 'reward' | 'discount', ColumnLocation>>;
}

const MAX_HEADER = 4096;

/** Reads the first bytes of an entry (inflating only as much as needed for deflated entries). */
function readEntryHead(source: ByteSource, entry: ZipEntry, wanted: number): Uint8Array {
  const limit = Math.min(wanted, entry.size);
  if (entry.method === 0)
    return source.read(entry.dataOffset, Math.min(limit, entry.compressedSize));
  const out = new Uint8Array(limit);
  let filled = 0;
  let finished = false;
  const inflater = new Inflate((chunk, final) => {
    const n = Math.min(chunk.length, limit - filled);
    out.set(chunk.subarray(0, n), filled);
    filled += n;
    if (final) finished = true;
  });
  let position = 0;
  while (filled < limit && !finished && position < entry.compressedSize) {
    const n = Math.min(16384, entry.compressedSize - position);
    inflater.push(
      source.read(entry.dataOffset + position, n),
      position + n === entry.compressedSize,
    );
    position += n;
  }
  return out.subarray(0, filled);
}

function locate(source: ByteSource, entry: ZipEntry): ColumnLocation {
  const head = readEntryHead(source, entry, MAX_HEADER);
  const header = parseNpyHeader(head);
  if (header.dataOffset + header.dataBytes !== entry.size) {
    throw new Error(
      `entry ${entry.name}: holds ${entry.size} bytes, its header implies ${header.dataOffset + header.dataBytes}`,
    );
  }
  return { entry, header };
}

/**
 * Indexes one episode file: validates the zip directory, every column's header and shapes, and
 * reads the reward column (CRC-checked) for the length and return. Throws {@link EpisodeFileError}.
 */
export function indexEpisodeFile(path: string, file: string): EpisodeFileInfo {
  let source: FileSource | undefined;
  try {
    source = new FileSource(path);
    const entries = readZipDirectory(source);
    checkEpisodeKeys(new Set([...entries.keys()].map((name) => name.replace(/\.npy$/, ''))));
    const columns: EpisodeFileInfo['columns'] = {};
    for (const key of ['image', 'state', 'action', 'reward', 'discount'] as const) {
      const entry = entries.get(`${key}.npy`);
      if (entry) columns[key] = locate(source, entry);
    }
    const reward = toFloat32(decodeNpy(readZipEntry(source, columns.reward!.entry)));
    const length = columns.reward!.header.shape[0];
    if (columns.reward!.header.shape.length !== 1) throw new Error("'reward' is not 1-d");
    const rowsOf = (key: keyof EpisodeFileInfo['columns'], ndims: number[]) => {
      const h = columns[key]?.header;
      if (!h) return;
      if (!ndims.includes(h.shape.length) || h.shape[0] !== length) {
        throw new Error(
          `'${key}' has shape (${h.shape.join(', ')}), expected ${ndims.join(' or ')}-d with T=${length} rows`,
        );
      }
    };
    rowsOf('discount', [1]);
    rowsOf('action', [1, 2]);
    rowsOf('image', [4]);
    rowsOf('state', [1, 2]);
    if (columns.image && columns.image.header.dtype !== '|u1') {
      throw new Error(`'image' has dtype ${columns.image.header.dtype}, expected |u1 (uint8)`);
    }
    const shape = (key: 'action' | 'state') => {
      const h = columns[key]?.header;
      return h ? (h.shape.length === 1 ? 1 : h.shape[1]) : undefined;
    };
    const imageShape = columns.image
      ? (columns.image.header.shape.slice(1) as unknown as ImageShape)
      : undefined;
    let total = 0;
    for (let i = 0; i < reward.length; i++) total += reward[i];
    return {
      file,
      bytes: source.size,
      length,
      return: total,
      spec: { actionDim: shape('action')!, imageShape, stateDim: shape('state') },
      columns,
    };
  } catch (error) {
    if (error instanceof EpisodeFileError) throw error;
    throw new EpisodeFileError(path, (error as Error).message);
  } finally {
    source?.close();
  }
}

/**
 * True when a column can be copied row by row straight from the file: stored (not deflated) and
 * already in the batch's dtype.
 */
export function isDirectlyReadable(location: ColumnLocation, key: string): boolean {
  const wanted = key === 'image' ? '|u1' : '<f4';
  return location.entry.method === 0 && location.header.dtype === wanted;
}
