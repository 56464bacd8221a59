/**
 * Images as the project stores them: uint8 RGB frames in HWC layout (height x width x 3,
 * row-major). PNG and animated-GIF encoding, PNG decoding, and nearest-neighbour upscaling;
 * files are written atomically.
 */
import { readFileSync } from 'node:fs';
import * as gifencModule from 'gifenc';
import { PNG } from 'pngjs';
import { writeFileAtomic } from './atomic.js';

/** An RGB image with its size. */
export interface RgbImage {
  data: Uint8Array;
  height: number;
  width: number;
}

/** Frame size shared by a sequence of frames. */
export interface FrameSize {
  height: number;
  width: number;
}

export function assertSize(size: FrameSize, what: string): void {
  for (const key of ['height', 'width'] as const) {
    if (!Number.isInteger(size[key]) || size[key] < 1) {
      throw new RangeError(`${what}: ${key} is ${String(size[key])}; a positive integer is needed`);
    }
  }
}

/** Throws unless every frame has height x width x 3 bytes. */
export function assertFrames(frames: readonly Uint8Array[], size: FrameSize, what: string): void {
  assertSize(size, what);
  if (!frames || frames.length === 0) throw new RangeError(`${what}: no frames`);
  const expected = size.height * size.width * 3;
  frames.forEach((frame, t) => {
    if (!(frame instanceof Uint8Array) || frame.length !== expected) {
      throw new RangeError(
        `${what}: frame ${t} has ${frame?.length} bytes; ${size.height}x${size.width}x3 RGB needs ${expected}`,
      );
    }
  });
}

/** Nearest-neighbour upscaling by an integer factor (keeps pixels sharp). */
export function upscaleNearest(frame: Uint8Array, size: FrameSize, factor: number): Uint8Array {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new RangeError(`upscale factor is ${String(factor)}; allowed are integers >= 1`);
  }
  assertFrames([frame], size, 'upscaleNearest');
  if (factor === 1) return frame;
  const { height, width } = size;
  const outWidth = width * factor;
  const out = new Uint8Array(height * factor * outWidth * 3);
  const row = new Uint8Array(outWidth * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = 3 * (y * width + x);
      for (let k = 0; k < factor; k++) {
        const dst = 3 * (x * factor + k);
        row[dst] = frame[src];
        row[dst + 1] = frame[src + 1];
        row[dst + 2] = frame[src + 2];
      }
    }
    for (let k = 0; k < factor; k++) out.set(row, (y * factor + k) * outWidth * 3);
  }
  return out;
}

/** Encodes an RGB image as PNG bytes. */
export function encodePng(image: RgbImage): Uint8Array {
  assertFrames([image.data], image, 'encodePng');
  const png = new PNG({ width: image.width, height: image.height });
  for (let i = 0; i < image.width * image.height; i++) {
    png.data[4 * i] = image.data[3 * i];
    png.data[4 * i + 1] = image.data[3 * i + 1];
    png.data[4 * i + 2] = image.data[3 * i + 2];
    png.data[4 * i + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** Writes an RGB image as a PNG file (atomically). */
export function writePng(path: string, image: RgbImage): void {
  writeFileAtomic(path, encodePng(image));
}

/** Reads a PNG file (or bytes) into an RGB image (alpha dropped). */
export function readPng(source: string | Uint8Array): RgbImage {
  const bytes = typeof source === 'string' ? readFileSync(source) : Buffer.from(source);
  const png = PNG.sync.read(bytes);
  const data = new Uint8Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) {
    data[3 * i] = png.data[4 * i];
    data[3 * i + 1] = png.data[4 * i + 1];
    data[3 * i + 2] = png.data[4 * i + 2];
  }
  return { data, height: png.height, width: png.width };
}

// gifenc ships CommonJS (Node resolves everything onto the default export) and ESM (named
// exports); use whichever object carries `quantize`.
type Gifenc = typeof gifencModule.default;
const gifenc: Gifenc =
  'quantize' in gifencModule
    ? (gifencModule as unknown as Gifenc)
    : (gifencModule as unknown as { default: Gifenc }).default;

/** Options for `encodeGif`. */
export interface GifOptions extends FrameSize {
  /**
   * Frames per second (default 20). GIF delays are whole centiseconds, so the delay is
   * round(100 / fps) cs; browsers slow delays under 2 cs down, hence at most 50 fps.
   */
  fps?: number;
  /** Integer nearest-neighbour upscaling (default 1), e.g. 4 turns 64x64 into 256x256. */
  scale?: number;
  /** Loop forever (default) or play once. */
  loop?: boolean;
}

/**
 * Encodes HWC RGB frames as an animated GIF. Each frame gets its own 256-colour palette
 * (quantised from that frame), which keeps rendered scenes faithful as colours change.
 */
export function encodeGif(frames: readonly Uint8Array[], options: GifOptions): Uint8Array {
  assertFrames(frames, options, 'encodeGif');
  const fps = options.fps ?? 20;
  if (typeof fps !== 'number' || !(fps > 0 && fps <= 50)) {
    throw new RangeError(`gif fps is ${String(fps)}; allowed are numbers in (0, 50]`);
  }
  const scale = options.scale ?? 1;
  const height = options.height * scale;
  const width = options.width * scale;
  // gifenc rounds the delay to centiseconds itself; pass the exact centisecond value in ms.
  const delayMs = Math.round(100 / fps) * 10;
  const gif = gifenc.GIFEncoder();
  const rgba = new Uint8Array(height * width * 4);
  for (const frame of frames) {
    const rgb = upscaleNearest(frame, options, scale);
    for (let i = 0; i < height * width; i++) {
      rgba[4 * i] = rgb[3 * i];
      rgba[4 * i + 1] = rgb[3 * i + 1];
      rgba[4 * i + 2] = rgb[3 * i + 2];
      rgba[4 * i + 3] = 255;
    }
    const palette = gifenc.quantize(rgba, 256);
    const index = gifenc.applyPalette(rgba, palette);
    gif.writeFrame(index, width, height, {
      palette,
      delay: delayMs,
      repeat: options.loop === false ? -1 : 0,
    });
  }
  gif.finish();
  return gif.bytes();
}

/** `encodeGif` written to `path` atomically. Returns the number of bytes written. */
export function writeGif(path: string, frames: readonly Uint8Array[], options: GifOptions): number {
  const bytes = encodeGif(frames, options);
  writeFileAtomic(path, bytes);
  return bytes.length;
}
