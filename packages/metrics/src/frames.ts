/**
 * Frames are uint8 RGB images in HWC layout (height x width x 3, row-major), as episodes store
 * them. These helpers split, difference and tile them into grids (PNG and GIF encoding live in
 * @vmbrl/core).
 */
import {
  type FrameSize,
  type RgbImage,
  assertFrames,
  assertSize,
  upscaleNearest,
  writePng,
} from '@vmbrl/core';

/**
 * Views a flat [T, H, W, 3] uint8 array (an episode's image column) as T frames, without
 * copying.
 */
export function splitFrames(data: Uint8Array, size: FrameSize): Uint8Array[] {
  assertSize(size, 'splitFrames');
  const frameBytes = size.height * size.width * 3;
  if (data.length === 0 || data.length % frameBytes !== 0) {
    throw new RangeError(
      `splitFrames: ${data.length} bytes is not a whole number (> 0) of ${size.height}x${size.width}x3 frames`,
    );
  }
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += frameBytes) {
    frames.push(data.subarray(offset, offset + frameBytes));
  }
  return frames;
}

/** Per-channel absolute difference |a - b|, e.g. the error row under a prediction. */
export function absoluteDifference(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) {
    throw new RangeError(`absoluteDifference: frames have ${a.length} and ${b.length} bytes`);
  }
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.abs(a[i] - b[i]);
  return out;
}

/** Options for grids of frames. */
export interface GridOptions {
  /** Pixels between cells (default 2). */
  gap?: number;
  /** Colour of the gaps and of empty cells (default white). */
  gapColour?: readonly [number, number, number];
}

/**
 * Tiles equally sized frames into one image: `cells[r][c]` goes to row r, column c; rows may be
 * shorter than the widest (missing cells and null stay gap-coloured).
 */
export function composeGrid(
  cells: readonly (readonly (Uint8Array | null)[])[],
  size: FrameSize,
  options: GridOptions = {},
): RgbImage {
  assertSize(size, 'composeGrid');
  const gap = options.gap ?? 2;
  if (!Number.isInteger(gap) || gap < 0) {
    throw new RangeError(`grid gap is ${String(gap)}; allowed are integers >= 0`);
  }
  const rows = cells.length;
  const cols = Math.max(0, ...cells.map((r) => r.length));
  if (rows === 0 || cols === 0) throw new RangeError('composeGrid: the grid has no cells');
  const { height, width } = size;
  const outWidth = cols * width + (cols - 1) * gap;
  const outHeight = rows * height + (rows - 1) * gap;
  const data = new Uint8Array(outWidth * outHeight * 3);
  const [gr, gg, gb] = options.gapColour ?? [255, 255, 255];
  for (let i = 0; i < outWidth * outHeight; i++) {
    data[3 * i] = gr;
    data[3 * i + 1] = gg;
    data[3 * i + 2] = gb;
  }
  cells.forEach((row, r) =>
    row.forEach((cell, c) => {
      if (cell === null) return;
      assertFrames([cell], size, `composeGrid cell [${r}][${c}]`);
      const x0 = c * (width + gap);
      const y0 = r * (height + gap);
      for (let y = 0; y < height; y++) {
        data.set(cell.subarray(3 * y * width, 3 * (y + 1) * width), 3 * ((y0 + y) * outWidth + x0));
      }
    }),
  );
  return { data, height: outHeight, width: outWidth };
}

/**
 * A video of grids: `sequences[r][c]` is a sequence of frames shown at row r, column c, all
 * of the same length T (for open-loop predictions: rows truth / prediction / error, one column
 * per example). Returns T grid frames and their size.
 */
export function composeGridVideo(
  sequences: readonly (readonly (readonly Uint8Array[])[])[],
  size: FrameSize,
  options: GridOptions = {},
): { frames: Uint8Array[]; height: number; width: number } {
  if (sequences.length === 0) throw new RangeError('composeGridVideo: no rows of sequences');
  const length = sequences[0]?.[0]?.length;
  if (!length) throw new RangeError('composeGridVideo: sequences[0][0] has no frames');
  sequences.forEach((row, r) =>
    row.forEach((sequence, c) => {
      if (sequence.length !== length) {
        throw new RangeError(
          `composeGridVideo: sequences[${r}][${c}] has ${sequence.length} frames but sequences[0][0] has ${length}; all must be equally long`,
        );
      }
      assertFrames(sequence, size, `composeGridVideo sequences[${r}][${c}]`);
    }),
  );
  const frames: Uint8Array[] = [];
  let grid: RgbImage | undefined;
  for (let t = 0; t < length; t++) {
    grid = composeGrid(
      sequences.map((row) => row.map((sequence) => sequence[t])),
      size,
      options,
    );
    frames.push(grid.data);
  }
  const last = grid as RgbImage;
  return { frames, height: last.height, width: last.width };
}

/**
 * Writes a grid of frames as one PNG (for example a strip: one row of frames over time, or
 * truth / prediction rows), optionally upscaled.
 */
export function writePngGrid(
  path: string,
  cells: readonly (readonly (Uint8Array | null)[])[],
  size: FrameSize,
  options: GridOptions & { scale?: number } = {},
): RgbImage {
  const scale = options.scale ?? 1;
  const scaled = cells.map((row) =>
    row.map((cell) => (cell === null ? null : upscaleNearest(cell, size, scale))),
  );
  const image = composeGrid(
    scaled,
    { height: size.height * scale, width: size.width * scale },
    options,
  );
  writePng(path, image);
  return image;
}

/**
 * The open-loop prediction video layout: one column per example, rows truth, prediction and
 * |truth - prediction| (per channel), each sequence `truth[e]` / `prediction[e]` of T frames.
 */
export function composeOpenLoopVideo(
  truth: readonly (readonly Uint8Array[])[],
  prediction: readonly (readonly Uint8Array[])[],
  size: FrameSize,
  options: GridOptions = {},
): { frames: Uint8Array[]; height: number; width: number } {
  if (truth.length === 0) throw new RangeError('open-loop video: truth has no examples');
  if (truth.length !== prediction.length) {
    throw new RangeError(
      `open-loop video: truth has ${truth.length} examples but prediction has ${prediction.length}`,
    );
  }
  const error = truth.map((sequence, e) => {
    if (sequence.length !== prediction[e].length) {
      throw new RangeError(
        `open-loop video: example ${e} has ${sequence.length} true frames but ${prediction[e].length} predicted`,
      );
    }
    return sequence.map((frame, t) => absoluteDifference(frame, prediction[e][t]));
  });
  return composeGridVideo([truth, prediction, error], size, options);
}
