import { Rng } from '@vmbrl/tensor';
import type { SequenceBatch } from './types.js';

/** A batch of uniform random pixels, actions in [-1, 1] (action[0] = 0) and normal rewards. */
export function randomBatch(
  batchSize: number,
  length: number,
  actionDim: number,
  seed: number,
): SequenceBatch {
  const rng = new Rng(seed);
  const image = new Uint8Array(batchSize * length * 64 * 64 * 3);
  for (let i = 0; i < image.length; i += 1) image[i] = rng.int(256);
  const action = new Float32Array(batchSize * length * actionDim);
  for (let b = 0; b < batchSize; b += 1) {
    for (let t = 1; t < length; t += 1) {
      for (let a = 0; a < actionDim; a += 1) {
        action[(b * length + t) * actionDim + a] = rng.uniform(-1, 1);
      }
    }
  }
  const reward = new Float32Array(batchSize * length);
  for (let i = 0; i < reward.length; i += 1) reward[i] = rng.normal();
  return { image, action, reward, batchSize, length };
}
