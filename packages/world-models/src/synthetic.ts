import { Rng } from '@vmbrl/tensor';
import { IMAGE_SIZE } from './image-loss.js';
import type { SequenceBatch } from './types.js';

/** Options of the moving-square video. */
export interface MovingSquareOptions {
  batchSize: number;
  length: number;
  seed: number;
  /** Side of the square in pixels (default 12). */
  size?: number;
  /** Pixels moved per unit action (default 4). */
  speed?: number;
}

/**
 * A tiny controllable video for tests and benchmarks: a white square on a dark background moves
 * by `round(speed * action)` pixels per step (clamped to the frame) under uniform random 2-D
 * actions in [-1, 1]. The reward is 1 at the horizontal centre, falling linearly to 0 at the
 * edges. Layout as in replay: action[t] led to frame t, action[0] = 0, reward[t] goes with frame t.
 */
export function movingSquareBatch(options: MovingSquareOptions): SequenceBatch {
  const { batchSize, length, seed } = options;
  const size = options.size ?? 12;
  const speed = options.speed ?? 4;
  const span = IMAGE_SIZE - size;
  const rng = new Rng(seed);
  const frame = IMAGE_SIZE * IMAGE_SIZE * 3;
  const image = new Uint8Array(batchSize * length * frame).fill(20);
  const action = new Float32Array(batchSize * length * 2);
  const reward = new Float32Array(batchSize * length);
  for (let b = 0; b < batchSize; b += 1) {
    let x = rng.int(span + 1);
    let y = rng.int(span + 1);
    for (let t = 0; t < length; t += 1) {
      const row = b * length + t;
      if (t > 0) {
        const ax = rng.uniform(-1, 1);
        const ay = rng.uniform(-1, 1);
        action[row * 2] = ax;
        action[row * 2 + 1] = ay;
        x = Math.min(span, Math.max(0, x + Math.round(speed * ax)));
        y = Math.min(span, Math.max(0, y + Math.round(speed * ay)));
      }
      reward[row] = 1 - Math.abs(x - span / 2) / (span / 2);
      const base = row * frame;
      for (let yy = y; yy < y + size; yy += 1) {
        image.fill(235, base + (yy * IMAGE_SIZE + x) * 3, base + (yy * IMAGE_SIZE + x + size) * 3);
      }
    }
  }
  return { image, action, reward, batchSize, length };
}
