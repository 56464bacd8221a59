import { imagesToFloat, tf } from '@vmbrl/tensor';
import { IMAGE_SIZE } from './image-loss.js';
import type { SequenceBatch } from './types.js';

const PIXELS = IMAGE_SIZE * IMAGE_SIZE * 3;

/** A batch as tensors: images float [B, L, 64, 64, 3] (x/255 - 0.5), actions, rewards. */
export interface BatchTensors {
  images: tf.Tensor5D;
  actions: tf.Tensor3D;
  rewards: tf.Tensor2D;
}

/** Check array lengths against B, L and A; throws naming the field and the expected size. */
export function validateBatch(batch: SequenceBatch, actionDim: number): void {
  const { batchSize: b, length: l } = batch;
  if (!Number.isInteger(b) || b < 1 || !Number.isInteger(l) || l < 1) {
    throw new Error(`SequenceBatch: batchSize ${b} and length ${l} must be integers >= 1`);
  }
  const expect = (name: string, array: ArrayLike<number>, size: number, layout: string) => {
    if (!array || array.length !== size) {
      throw new Error(
        `SequenceBatch.${name}: has ${array?.length} values, expected ${size} = ${layout}`,
      );
    }
  };
  if (!(batch.image instanceof Uint8Array)) {
    throw new Error('SequenceBatch.image: expected a Uint8Array [B, L, 64, 64, 3]');
  }
  expect('image', batch.image, b * l * PIXELS, `B*L*64*64*3 with B=${b}, L=${l}`);
  expect('action', batch.action, b * l * actionDim, `B*L*A with A=${actionDim}`);
  expect('reward', batch.reward, b * l, 'B*L');
}

/**
 * Turn a validated batch into tensors. `noiseSeed` adds the bit-depth dequantisation noise
 * (PlaNet: 5 bits + uniform noise); omit it for deterministic evaluation.
 */
export function batchToTensors(
  batch: SequenceBatch,
  actionDim: number,
  bitDepth: number,
  noiseSeed?: number,
): BatchTensors {
  validateBatch(batch, actionDim);
  const { batchSize: b, length: l } = batch;
  const image = batch.image as Uint8Array;
  return tf.tidy(() => {
    const raw = tf.tensor(image, [b, l, IMAGE_SIZE, IMAGE_SIZE, 3], 'int32');
    const noise = noiseSeed !== undefined;
    const images = imagesToFloat(raw, { bitDepth, noise, noiseSeed }) as tf.Tensor5D;
    return {
      images,
      actions: tf.tensor3d(batch.action, [b, l, actionDim]),
      rewards: tf.tensor2d(batch.reward, [b, l]),
    };
  });
}

/** Time steps [start, start + count) of a batch, as a new batch (copies). */
export function sliceBatch(
  batch: SequenceBatch,
  actionDim: number,
  start: number,
  count: number,
): SequenceBatch {
  const { batchSize: b, length: l } = batch;
  if (start < 0 || count < 1 || start + count > l) {
    throw new Error(`sliceBatch: steps [${start}, ${start + count}) outside 0..${l}`);
  }
  validateBatch(batch, actionDim);
  const source = batch.image as Uint8Array;
  const image = new Uint8Array(b * count * PIXELS);
  const action = new Float32Array(b * count * actionDim);
  const reward = new Float32Array(b * count);
  for (let i = 0; i < b; i += 1) {
    const from = i * l + start;
    const to = i * count;
    image.set(source.subarray(from * PIXELS, (from + count) * PIXELS), to * PIXELS);
    action.set(batch.action.subarray(from * actionDim, (from + count) * actionDim), to * actionDim);
    reward.set(batch.reward.subarray(from, from + count), to);
  }
  return { image, action, reward, batchSize: b, length: count };
}
