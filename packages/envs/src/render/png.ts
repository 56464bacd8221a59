/** PNG encode/decode of HWC RGB uint8 images, with atomic writes. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** Encodes an RGB image (height x width x 3) as PNG bytes. */
export function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  if (rgb.length !== width * height * 3) {
    throw new Error(
      `image has ${rgb.length} bytes; ${width}x${height}x3 needs ${width * height * 3}`,
    );
  }
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[4 * i] = rgb[3 * i];
    png.data[4 * i + 1] = rgb[3 * i + 1];
    png.data[4 * i + 2] = rgb[3 * i + 2];
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** Writes a PNG atomically (temp file + rename). */
export function writePng(path: string, rgb: Uint8Array, width: number, height: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodePng(rgb, width, height));
  renameSync(tmp, path);
}

/** Reads a PNG file into RGB bytes. */
export function readPng(path: string): { rgb: Uint8Array; width: number; height: number } {
  const png = PNG.sync.read(readFileSync(path));
  const rgb = new Uint8Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) {
    rgb[3 * i] = png.data[4 * i];
    rgb[3 * i + 1] = png.data[4 * i + 1];
    rgb[3 * i + 2] = png.data[4 * i + 2];
  }
  return { rgb, width: png.width, height: png.height };
}
