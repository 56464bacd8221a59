import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as gifencNamespace from 'gifenc';
import pngjs from 'pngjs';
import { IMAGE_SIZE } from './image-loss.js';
import type { OpenLoopResult } from './open-loop.js';

const FRAME = IMAGE_SIZE * IMAGE_SIZE * 3;

// gifenc ships CommonJS for Node (functions on the default export) and an ESM build with named
// exports (picked by bundlers and vitest); accept either shape.
const gifenc: GifencApi =
  'quantize' in gifencNamespace
    ? (gifencNamespace as unknown as GifencApi)
    : (gifencNamespace as unknown as { default: GifencApi }).default;
type GifencApi = typeof gifencNamespace.default;

/** An RGB picture, row-major uint8 [height, width, 3]. */
export interface RgbPicture {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** Which sequences of a result go into a picture (default: up to 4). */
export interface PictureOptions {
  sequences?: number;
}

function sequenceCount(result: OpenLoopResult, options: PictureOptions): number {
  const n = options.sequences ?? Math.min(4, result.batchSize);
  if (!Number.isInteger(n) || n < 1 || n > result.batchSize) {
    throw new Error(`open-loop picture: sequences ${n} must be in 1..${result.batchSize}`);
  }
  return n;
}

/** Error image: |prediction - truth| per channel, doubled so small errors stay visible. */
function errorPixel(truth: number, prediction: number): number {
  return Math.min(255, 2 * Math.abs(prediction - truth));
}

/** Copy one 64x64 frame (or its error) into a picture at tile (row, col). */
function drawTile(
  picture: RgbPicture,
  row: number,
  col: number,
  source: Uint8Array,
  offset: number,
  errorAgainst?: Uint8Array,
): void {
  for (let y = 0; y < IMAGE_SIZE; y += 1) {
    const dst = ((row * IMAGE_SIZE + y) * picture.width + col * IMAGE_SIZE) * 3;
    const src = offset + y * IMAGE_SIZE * 3;
    for (let x = 0; x < IMAGE_SIZE * 3; x += 1) {
      const value = source[src + x] as number;
      picture.rgb[dst + x] = errorAgainst
        ? errorPixel(errorAgainst[src + x] as number, value)
        : value;
    }
  }
}

/**
 * The usual open-loop picture as one image: for each sequence three rows — truth, prediction,
 * error — with the T predicted time steps left to right.
 */
export function openLoopGrid(result: OpenLoopResult, options: PictureOptions = {}): RgbPicture {
  const n = sequenceCount(result, options);
  const t = result.horizon;
  const picture = {
    width: t * IMAGE_SIZE,
    height: 3 * n * IMAGE_SIZE,
    rgb: new Uint8Array(t * IMAGE_SIZE * 3 * n * IMAGE_SIZE * 3),
  };
  for (let b = 0; b < n; b += 1) {
    for (let k = 0; k < t; k += 1) {
      const offset = (b * t + k) * FRAME;
      drawTile(picture, 3 * b, k, result.truth, offset);
      drawTile(picture, 3 * b + 1, k, result.prediction, offset);
      drawTile(picture, 3 * b + 2, k, result.prediction, offset, result.truth);
    }
  }
  return picture;
}

/** One animation frame per time step: sequences side by side, truth/prediction/error stacked. */
export function openLoopFrames(result: OpenLoopResult, options: PictureOptions = {}): RgbPicture[] {
  const n = sequenceCount(result, options);
  const frames: RgbPicture[] = [];
  for (let k = 0; k < result.horizon; k += 1) {
    const picture = {
      width: n * IMAGE_SIZE,
      height: 3 * IMAGE_SIZE,
      rgb: new Uint8Array(n * IMAGE_SIZE * 3 * IMAGE_SIZE * 3),
    };
    for (let b = 0; b < n; b += 1) {
      const offset = (b * result.horizon + k) * FRAME;
      drawTile(picture, 0, b, result.truth, offset);
      drawTile(picture, 1, b, result.prediction, offset);
      drawTile(picture, 2, b, result.prediction, offset, result.truth);
    }
    frames.push(picture);
  }
  return frames;
}

/** Write bytes to `path` atomically (temporary file in the same directory, then rename). */
function writeAtomic(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, path);
}

/** Encode an RGB picture as PNG bytes. */
export function encodePng(picture: RgbPicture): Uint8Array {
  const png = new pngjs.PNG({ width: picture.width, height: picture.height });
  for (let i = 0, j = 0; i < picture.rgb.length; i += 3, j += 4) {
    png.data[j] = picture.rgb[i] as number;
    png.data[j + 1] = picture.rgb[i + 1] as number;
    png.data[j + 2] = picture.rgb[i + 2] as number;
    png.data[j + 3] = 255;
  }
  return new Uint8Array(pngjs.PNG.sync.write(png));
}

function toRgba(picture: RgbPicture): Uint8Array {
  const rgba = new Uint8Array(picture.width * picture.height * 4);
  for (let i = 0, j = 0; i < picture.rgb.length; i += 3, j += 4) {
    rgba[j] = picture.rgb[i] as number;
    rgba[j + 1] = picture.rgb[i + 1] as number;
    rgba[j + 2] = picture.rgb[i + 2] as number;
    rgba[j + 3] = 255;
  }
  return rgba;
}

/** Encode frames as a looping animated GIF (256-colour palette per frame). */
export function encodeGif(frames: RgbPicture[], delayMs = 200): Uint8Array {
  const encoder = gifenc.GIFEncoder();
  for (const frame of frames) {
    const rgba = toRgba(frame);
    const palette = gifenc.quantize(rgba, 256);
    const index = gifenc.applyPalette(rgba, palette);
    encoder.writeFrame(index, frame.width, frame.height, { palette, delay: delayMs });
  }
  encoder.finish();
  return encoder.bytes();
}

/** Write the open-loop grid as PNG to `path` (atomic). */
export function writeOpenLoopPng(
  path: string,
  result: OpenLoopResult,
  options?: PictureOptions,
): void {
  writeAtomic(path, encodePng(openLoopGrid(result, options)));
}

/** Write the open-loop animation as GIF to `path` (atomic). */
export function writeOpenLoopGif(
  path: string,
  result: OpenLoopResult,
  options?: PictureOptions,
): void {
  writeAtomic(path, encodeGif(openLoopFrames(result, options)));
}
