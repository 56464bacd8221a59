/** Drawing 64x64 RGB frames onto canvases, upscaled without smoothing, and reading them back. */

const SIZE = 64;

/** Draws `frame` (64x64x3 uint8) at (`x`, `y`) of `canvas`, scaled by `scale`. */
export function drawFrame(
  canvas: HTMLCanvasElement,
  frame: Uint8Array,
  scale: number,
  x = 0,
  y = 0,
): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = ctx.createImageData(SIZE, SIZE);
  for (let i = 0; i < SIZE * SIZE; i++) {
    image.data[4 * i] = frame[3 * i] as number;
    image.data[4 * i + 1] = frame[3 * i + 1] as number;
    image.data[4 * i + 2] = frame[3 * i + 2] as number;
    image.data[4 * i + 3] = 255;
  }
  const small = document.createElement('canvas');
  small.width = SIZE;
  small.height = SIZE;
  (small.getContext('2d') as CanvasRenderingContext2D).putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, x, y, SIZE * scale, SIZE * scale);
}

/** A row of frames side by side, each scaled by `scale`. */
export function drawStrip(canvas: HTMLCanvasElement, frames: Uint8Array[], scale: number): void {
  frames.forEach((frame, i) => drawFrame(canvas, frame, scale, i * SIZE * scale, 0));
}

/** A canvas sized for `count` frames in a row at `scale`. */
export function frameCanvas(id: string, scale: number, count = 1): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.id = id;
  canvas.width = SIZE * scale * count;
  canvas.height = SIZE * scale;
  canvas.className = 'frames';
  return canvas;
}
