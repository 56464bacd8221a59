/** Writing episode frames as an animated GIF or a PNG strip (atomically). */
import { renameSync, writeFileSync } from 'node:fs';
import * as gifencModule from 'gifenc';
import { encodePng } from './render/png.js';

function atomicWrite(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

// gifenc ships CommonJS (node: everything on the default export) and ESM (bundlers: named
// exports, default = GIFEncoder); use whichever object carries `quantize`.
type Gifenc = typeof gifencModule.default;
const gifenc: Gifenc =
  'quantize' in gifencModule
    ? (gifencModule as unknown as Gifenc)
    : (gifencModule as unknown as { default: Gifenc }).default;

/** Writes RGB frames (size x size x 3 each) as a looping GIF with `delayMs` per frame. */
export function writeGif(path: string, frames: Uint8Array[], size: number, delayMs: number): void {
  const gif = gifenc.GIFEncoder();
  const rgba = new Uint8Array(size * size * 4);
  for (const frame of frames) {
    for (let i = 0; i < size * size; i++) {
      rgba[4 * i] = frame[3 * i];
      rgba[4 * i + 1] = frame[3 * i + 1];
      rgba[4 * i + 2] = frame[3 * i + 2];
      rgba[4 * i + 3] = 255;
    }
    const palette = gifenc.quantize(rgba, 256);
    const index = gifenc.applyPalette(rgba, palette);
    gif.writeFrame(index, size, size, { palette, delay: delayMs, repeat: 0 });
  }
  gif.finish();
  atomicWrite(path, gif.bytes());
}

/** Writes frames side by side as one PNG (height size, width size * frames). */
export function writePngStrip(path: string, frames: Uint8Array[], size: number): void {
  const width = size * frames.length;
  const strip = new Uint8Array(width * size * 3);
  frames.forEach((frame, k) => {
    for (let y = 0; y < size; y++) {
      strip.set(frame.subarray(3 * y * size, 3 * (y + 1) * size), 3 * (y * width + k * size));
    }
  });
  atomicWrite(path, encodePng(strip, width, size));
}
