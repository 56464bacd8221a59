/** Animated GIFs from RGB frames, encoded with gifenc. */
import * as gifencModule from 'gifenc';
import { writeFileAtomic } from './atomic.js';
import { type FrameSize, assertFrames, upscaleNearest } from './frames.js';

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
