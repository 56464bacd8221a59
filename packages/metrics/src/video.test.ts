import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPng } from '@vmbrl/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  absoluteDifference,
  composeGrid,
  composeGridVideo,
  splitFrames,
  writePngGrid,
} from './frames.js';

const dir = mkdtempSync(join(tmpdir(), 'vmbrl-video-'));
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

describe('frame helpers', () => {
  it('splitFrames views a [T,H,W,3] column without copying', () => {
    const data = new Uint8Array(2 * 2 * 1 * 3).map((_, i) => i);
    const frames = splitFrames(data, { height: 2, width: 1 });
    expect(frames.map((f) => Array.from(f))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10, 11],
    ]);
    data[6] = 99;
    expect(frames[1][0]).toBe(99);
    expect(() => splitFrames(new Uint8Array(7), { height: 2, width: 1 })).toThrow(
      /7 bytes is not a whole number/,
    );
  });

  it('absoluteDifference', () => {
    expect(
      Array.from(absoluteDifference(new Uint8Array([10, 200]), new Uint8Array([30, 50]))),
    ).toEqual([20, 150]);
  });

  it('composeGrid places cells with gaps; missing cells stay gap-coloured', () => {
    const size = { height: 2, width: 3 };
    const grid = composeGrid(
      [
        [solid(2, 3, [255, 0, 0]), solid(2, 3, [0, 255, 0])],
        [null, solid(2, 3, [0, 0, 255])],
      ],
      size,
      { gap: 1, gapColour: [9, 9, 9] },
    );
    expect([grid.width, grid.height]).toEqual([7, 5]);
    expect(pixel(grid, 0, 0)).toEqual([255, 0, 0]);
    expect(pixel(grid, 3, 0)).toEqual([9, 9, 9]); // vertical gap
    expect(pixel(grid, 4, 1)).toEqual([0, 255, 0]);
    expect(pixel(grid, 0, 2)).toEqual([9, 9, 9]); // horizontal gap
    expect(pixel(grid, 1, 3)).toEqual([9, 9, 9]); // the null cell
    expect(pixel(grid, 6, 4)).toEqual([0, 0, 255]);
    expect(() => composeGrid([[new Uint8Array(5)]], size)).toThrow(
      /cell \[0\]\[0\]: frame 0 has 5 bytes; 2x3x3 RGB needs 18/,
    );
  });

  it('composeGridVideo needs equally long sequences', () => {
    const size = { height: 1, width: 1 };
    const a = [solid(1, 1, [1, 1, 1]), solid(1, 1, [2, 2, 2])];
    const video = composeGridVideo([[a, a], [a]], size, { gap: 0 });
    expect(video.frames).toHaveLength(2);
    expect([video.width, video.height]).toEqual([2, 2]);
    expect(Array.from(video.frames[1].subarray(0, 3))).toEqual([2, 2, 2]);
    expect(() => composeGridVideo([[a], [a.slice(0, 1)]], size)).toThrow(
      /sequences\[1\]\[0\] has 1 frames but sequences\[0\]\[0\] has 2/,
    );
  });

  it('a scaled PNG grid', () => {
    const written = writePngGrid(
      join(dir, 'strip.png'),
      [[solid(2, 2, [255, 0, 0]), solid(2, 2, [0, 0, 255])]],
      { height: 2, width: 2 },
      { scale: 3, gap: 2 },
    );
    const read = readPng(join(dir, 'strip.png'));
    expect([read.width, read.height]).toEqual([14, 6]);
    expect(read).toEqual(written);
    expect(pixel(read, 13, 5)).toEqual([0, 0, 255]);
  });
});
