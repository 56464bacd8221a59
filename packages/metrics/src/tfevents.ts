/**
 * TensorBoard event files, written by our own encoder: a TFRecord stream (each record: length as
 * uint64 LE, masked CRC-32C of the length, the bytes, masked CRC-32C of the bytes) of `Event`
 * protocol buffers. Field numbers follow TensorBoard's published event.proto (Event: wall_time 1
 * double, step 2 int64, file_version 3 string, summary 5) and summary.proto (Summary: value 1;
 * Value: tag 1, simple_value 2 float, image 4; Image: height 1, width 2, colorspace 3,
 * encoded_image_string 4). The first event of a file carries file_version "brain.Event:2".
 */

// --- CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord frames use ---

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C of `bytes`. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = (CRC32C_TABLE[(crc ^ b) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotate right by 15 bits, plus 0xa282ead8 (mod 2^32). */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord: the framed `data`. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

// --- protocol buffer encoding (only the wire types the events need) ---

/** Bytes of a protocol buffer message, built field by field. */
class ProtoWriter {
  private readonly parts: Uint8Array[] = [];

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      bytes.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
    this.parts.push(Uint8Array.from(bytes));
  }

  private key(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, value: number): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  double(field: number, value: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.parts.push(b);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.parts.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array | string): this {
    const b = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    this.key(field, 2);
    this.varint(b.length);
    this.parts.push(b);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** One value of a summary: a scalar, or an encoded image (PNG, GIF or JPEG bytes). */
export type SummaryValue =
  | { tag: string; scalar: number }
  | { tag: string; image: { bytes: Uint8Array; height: number; width: number } };

/** An event: the version header, or summary values at a step. */
export type TensorBoardEvent =
  | { wallTime: number; fileVersion: string }
  | { wallTime: number; step: number; values: readonly SummaryValue[] };

/** The `Event` message of `event`. */
export function encodeEvent(event: TensorBoardEvent): Uint8Array {
  const message = new ProtoWriter().double(1, event.wallTime);
  if ('fileVersion' in event) return message.bytes(3, event.fileVersion).finish();
  if (!Number.isSafeInteger(event.step)) {
    throw new RangeError(`event step is ${event.step}; allowed: a safe integer`);
  }
  const summary = new ProtoWriter();
  for (const value of event.values) {
    const v = new ProtoWriter().bytes(1, value.tag);
    if ('scalar' in value) {
      v.float(2, value.scalar);
    } else {
      const { bytes, height, width } = value.image;
      // colorspace 3: RGB, as our frames are.
      v.bytes(4, new ProtoWriter().int(1, height).int(2, width).int(3, 3).bytes(4, bytes).finish());
    }
    summary.bytes(1, v.finish());
  }
  return message.int(2, event.step).bytes(5, summary.finish()).finish();
}

/** The bytes of an event file holding `events` after the version header. */
export function eventFileBytes(events: readonly TensorBoardEvent[], wallTime = 0): Uint8Array {
  const records = [
    tfRecord(encodeEvent({ wallTime, fileVersion: 'brain.Event:2' })),
    ...events.map((e) => tfRecord(encodeEvent(e))),
  ];
  return Buffer.concat(records);
}

/** Height and width of a GIF or PNG from its header (TensorBoard's Image needs them). */
export function imageSize(bytes: Uint8Array): { height: number; width: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = String.fromCharCode(...bytes.subarray(0, 4));
  if (ascii === 'GIF8') return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  if (bytes[0] === 0x89 && ascii.slice(1) === 'PNG') {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  throw new Error('imageSize: not a GIF or PNG');
}
