import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GifReader } from 'omggif';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeGif, encodePng, readPng, upscaleNearest, writeGif, writePng } from './image.js';

const dir = mkdtempSync(join(tmpdir(), 'vmbrl-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A frame of one colour. */
function solid(height: number, width: number, rgb: [number, number, number]): Uint8Array {
  const frame = new Uint8Array(height * width * 3);
  for (let i = 0; i < height * width; i++) frame.set(rgb, 3 * i);
  return frame;
}

function pixel(image: { data: Uint8Array; width: number }, x: number, y: number): number[] {
  const i = 3 * (y * image.width + x);
  return Array.from(image.data.subarray(i, i + 3));
}

describe('PNG and upscaling', () => {
  it('upscaleNearest repeats each pixel factor x factor times', () => {
    // 1x2 image: red, blue -> 2x4
    const frame = new Uint8Array([255, 0, 0, 0, 0, 255]);
    const up = upscaleNearest(frame, { height: 1, width: 2 }, 2);
    const image = { data: up, width: 4 };
    expect([0, 1].map((x) => pixel(image, x, 1))).toEqual([
      [255, 0, 0],
      [255, 0, 0],
    ]);
    expect(pixel(image, 2, 0)).toEqual([0, 0, 255]);
    expect(pixel(image, 3, 1)).toEqual([0, 0, 255]);
    expect(() => upscaleNearest(frame, { height: 1, width: 2 }, 1.5)).toThrow(/factor is 1.5/);
  });

  it('PNG round trip through a file', () => {
    const image = { data: new Uint8Array([1, 2, 3, 250, 251, 252]), height: 1, width: 2 };
    expect(readPng(encodePng(image))).toEqual(image);
    writePng(join(dir, 'two.png'), image);
    expect(readPng(join(dir, 'two.png'))).toEqual(image);
  });
});

describe('GIF', () => {
  const size = { height: 4, width: 6 };
  // Three frames with distinct colours and a two-colour frame, decoded by omggif (an
  // independent decoder): colours must come back exactly (few colours need no dithering).
  const frames = [
    solid(4, 6, [255, 0, 0]),
    solid(4, 6, [0, 128, 255]),
    (() => {
      const f = solid(4, 6, [20, 200, 40]);
      f.set([250, 250, 250], 3 * (2 * 6 + 5)); // pixel (x=5, y=2)
      return f;
    })(),
  ];

  function decodeAll(bytes: Uint8Array) {
    const reader = new GifReader(bytes);
    const out = [];
    for (let k = 0; k < reader.numFrames(); k++) {
      const rgba = new Uint8Array(reader.width * reader.height * 4);
      reader.decodeAndBlitFrameRGBA(k, rgba);
      out.push({ rgba, info: reader.frameInfo(k) });
    }
    return { reader, frames: out };
  }

  it('encodes frames, fps and looping that a decoder reads back', () => {
    const bytes = encodeGif(frames, { ...size, fps: 25 });
    const { reader, frames: decoded } = decodeAll(bytes);
    expect([reader.width, reader.height]).toEqual([6, 4]);
    expect(reader.numFrames()).toBe(3);
    expect(reader.loopCount()).toBe(0); // 0 = loop forever
    expect(decoded.map((d) => d.info.delay)).toEqual([4, 4, 4]); // centiseconds: 100 / 25
    expect(Array.from(decoded[1].rgba.subarray(0, 4))).toEqual([0, 128, 255, 255]);
    const at = 4 * (2 * 6 + 5);
    expect(Array.from(decoded[2].rgba.subarray(at, at + 3))).toEqual([250, 250, 250]);
    expect(Array.from(decoded[2].rgba.subarray(0, 3))).toEqual([20, 200, 40]);
  });

  it('upscales with nearest neighbour and can play once', () => {
    const bytes = encodeGif(frames, { ...size, fps: 10, scale: 4, loop: false });
    const { reader, frames: decoded } = decodeAll(bytes);
    expect([reader.width, reader.height]).toEqual([24, 16]);
    expect(reader.loopCount()).toBeNull();
    expect(decoded[0].info.delay).toBe(10);
    // source pixel (5, 2) covers x 20..23, y 8..11
    for (const [x, y] of [
      [20, 8],
      [23, 11],
    ]) {
      const i = 4 * (y * 24 + x);
      expect(Array.from(decoded[2].rgba.subarray(i, i + 3))).toEqual([250, 250, 250]);
    }
    const outside = 4 * (7 * 24 + 19);
    expect(Array.from(decoded[2].rgba.subarray(outside, outside + 3))).toEqual([20, 200, 40]);
  });

  it('writes atomically and rejects bad input', () => {
    const path = join(dir, 'episode.gif');
    const n = writeGif(path, frames, size);
    expect(readFileSync(path).length).toBe(n);
    expect(() => encodeGif([], size)).toThrow(/encodeGif: no frames/);
    expect(() => encodeGif(frames, { height: 4, width: 5 })).toThrow(
      /frame 0 has 72 bytes; 4x5x3 RGB needs 60/,
    );
    expect(() => encodeGif(frames, { ...size, fps: 0 })).toThrow(/fps is 0/);
  });
});
