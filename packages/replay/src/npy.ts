/**
 * `.npy` encoding and decoding following numpy's format specification
 * (numpy/lib/format.py, "NPY format"): magic `\x93NUMPY`, version, little-endian header length,
 * an ASCII Python dict literal `{'descr', 'fortran_order', 'shape'}` padded with spaces and a
 * final newline so the data starts at a multiple of 64 bytes, then the raw C-order data.
 */

import { float16BitsToFloat32 } from './float16';

/** Dtypes this package reads and writes (numpy `descr` strings, little-endian). */
export type NpyDtype = '<f2' | '<f4' | '<f8' | '|u1' | '<i4' | '<i8' | '|b1';

/**
 * Typed array backing each dtype (`|b1` is a Uint8Array of 0/1; `<f2` is a Uint16Array of raw
 * half-float bits, see ./float16).
 */
export type NpyData =
  | Float32Array
  | Float64Array
  | Uint8Array
  | Uint16Array
  | Int32Array
  | BigInt64Array;

/** One n-dimensional array. */
export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

/** Parsed `.npy` header. */
export interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  /** Byte offset of the data from the start of the `.npy` payload. */
  dataOffset: number;
  /** Total bytes of data implied by dtype and shape. */
  dataBytes: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
const ITEM_SIZE: Record<NpyDtype, number> = {
  '<f2': 2,
  '<f4': 4,
  '<f8': 8,
  '|u1': 1,
  '<i4': 4,
  '<i8': 8,
  '|b1': 1,
};
// numpy writes '|u1' and '|b1'; other writers may spell single bytes with '<' or no prefix.
const DESCR_ALIASES: Record<string, NpyDtype> = {
  '<f2': '<f2',
  '<f4': '<f4',
  '<f8': '<f8',
  '|u1': '|u1',
  '<u1': '|u1',
  u1: '|u1',
  '<i4': '<i4',
  '<i8': '<i8',
  '|b1': '|b1',
  '<b1': '|b1',
  b1: '|b1',
};
const SUPPORTED = Object.keys(ITEM_SIZE).join(', ');

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('@vmbrl/replay needs a little-endian platform (npy data is read in place)');
}

/** Size in bytes of one element of `dtype`. */
export function itemSize(dtype: NpyDtype): number {
  return ITEM_SIZE[dtype];
}

/** The dtype numpy would record for a typed array (Uint8Array -> `|u1`, Uint16Array -> `<f2`). */
export function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Uint16Array) return '<f2';
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Uint8Array) return '|u1';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof BigInt64Array) return '<i8';
  throw new Error(`npy: unsupported typed array; supported dtypes: ${SUPPORTED}`);
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Builds the padded header bytes (magic through the trailing newline) for version 1.0. */
export function encodeNpyHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  const shapeText =
    shape.length === 0 ? '()' : shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // numpy reserves room for the first axis to grow to 21 digits (GROWTH_AXIS_MAX_DIGITS).
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, 21 - String(shape[0]).length));
  // Preamble is magic (6) + version (2) + header length (2); pad so data starts 64-aligned.
  const preamble = 10;
  const total = Math.ceil((preamble + dict.length + 1) / ALIGN) * ALIGN;
  dict = dict + ' '.repeat(total - preamble - dict.length - 1) + '\n';
  const headerLength = dict.length;
  if (headerLength > 0xffff) throw new Error('npy: header longer than 65535 bytes (v1.0 limit)');
  const out = new Uint8Array(preamble + headerLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = headerLength & 0xff;
  out[9] = headerLength >> 8;
  for (let i = 0; i < headerLength; i++) out[preamble + i] = dict.charCodeAt(i);
  return out;
}

/** Encodes an array as a complete `.npy` payload (header + data). */
export function encodeNpy(array: NpyArray): Uint8Array {
  const count = product(array.shape);
  if (count !== array.data.length) {
    throw new Error(
      `npy: shape (${array.shape.join(', ')}) needs ${count} elements, data has ${array.data.length}`,
    );
  }
  const header = encodeNpyHeader(array.dtype, array.shape);
  const bytes = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(header.length + bytes.length);
  out.set(header, 0);
  out.set(bytes, header.length);
  return out;
}

/**
 * Parses the header at the start of `bytes` (which needs to hold at least the whole header).
 * Throws with what was wrong; callers prefix the file name.
 */
export function parseNpyHeader(bytes: Uint8Array): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error('not a .npy payload (magic \\x93NUMPY missing)');
  }
  const major = bytes[6];
  let headerLength: number;
  let preamble: number;
  if (major === 1) {
    headerLength = bytes[8] | (bytes[9] << 8);
    preamble = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new Error('truncated .npy header');
    headerLength = (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16)) + bytes[11] * 2 ** 24;
    preamble = 12;
  } else {
    throw new Error(
      `unsupported .npy format version ${major}.${bytes[7]} (allowed: 1.0, 2.0, 3.0)`,
    );
  }
  if (bytes.length < preamble + headerLength) throw new Error('truncated .npy header');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(preamble, preamble + headerLength),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`malformed .npy header dict: ${JSON.stringify(text.trim())}`);
  }
  const dtype = DESCR_ALIASES[descr];
  if (!dtype) {
    throw new Error(`unsupported dtype '${descr}' (allowed: ${SUPPORTED}; big-endian is not)`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw new Error(`malformed .npy shape (${shapeText})`);
      return n;
    });
  if (fortran === 'True' && shape.filter((d) => d > 1).length > 1) {
    throw new Error('fortran_order=True arrays are not supported (save a C-contiguous array)');
  }
  return {
    dtype,
    shape,
    dataOffset: preamble + headerLength,
    dataBytes: product(shape) * ITEM_SIZE[dtype],
  };
}

/**
 * Views (or copies, when misaligned) `bytes` as the typed array of `dtype`. The result shares
 * memory with `bytes` when the offset is aligned, so pass bytes the caller owns.
 */
export function typedArrayFrom(dtype: NpyDtype, bytes: Uint8Array): NpyData {
  const size = ITEM_SIZE[dtype];
  let source = bytes;
  if (bytes.byteOffset % size !== 0) source = bytes.slice();
  const { buffer, byteOffset } = source;
  const count = source.byteLength / size;
  switch (dtype) {
    case '<f2':
      return new Uint16Array(buffer, byteOffset, count);
    case '<f4':
      return new Float32Array(buffer, byteOffset, count);
    case '<f8':
      return new Float64Array(buffer, byteOffset, count);
    case '<i4':
      return new Int32Array(buffer, byteOffset, count);
    case '<i8':
      return new BigInt64Array(buffer, byteOffset, count);
    default:
      return new Uint8Array(buffer, byteOffset, count);
  }
}

/** Decodes a complete `.npy` payload. The data may share memory with `bytes`. */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  const header = parseNpyHeader(bytes);
  const end = header.dataOffset + header.dataBytes;
  if (bytes.length < end) {
    throw new Error(
      `truncated .npy data: shape (${header.shape.join(', ')}) ${header.dtype} needs ${header.dataBytes} bytes, found ${bytes.length - header.dataOffset}`,
    );
  }
  if (bytes.length > end) {
    throw new Error(`.npy payload has ${bytes.length - end} unexpected trailing bytes`);
  }
  return {
    dtype: header.dtype,
    shape: header.shape,
    data: typedArrayFrom(header.dtype, bytes.subarray(header.dataOffset, end)),
  };
}

/** Converts any numeric npy array to float32 (used to import f2/f8/i4/i8/b1 columns). */
export function toFloat32(array: NpyArray): Float32Array {
  const { data } = array;
  if (data instanceof Float32Array) return data;
  if (array.dtype === '<f2') return float16BitsToFloat32(data as Uint16Array);
  if (data instanceof BigInt64Array) return Float32Array.from(data, (v) => Number(v));
  return Float32Array.from(data as ArrayLike<number>);
}
