import type { ObservationKey, SequenceBatch, TransitionBatch } from '@vmbrl/core';
import type { SplitName } from './dataset-manifest';

/** Configuration sent to the sampler worker. */
export interface WorkerSamplerConfig {
  dir: string;
  /** Only this split of a dataset. */
  split?: SplitName;
  cacheBytes?: number;
  seed: number;
  batchSize: number;
  /** Chunk length L (mode 'sequences') or transition steps K (mode 'transitions'). */
  length: number;
  mode: 'sequences' | 'transitions';
  keys?: ObservationKey[];
}

/** Messages from the worker. */
export type WorkerToMain =
  | { type: 'ready'; episodes: number; steps: number }
  | { type: 'batch'; batch: SequenceBatch | TransitionBatch; produceMs: number }
  | { type: 'skip'; file: string; reason: string }
  | { type: 'error'; message: string };

/** The buffers of a batch's columns, transferred (not copied) between threads. */
export function batchBuffers(batch: SequenceBatch | TransitionBatch): ArrayBuffer[] {
  return [batch.image, batch.state, batch.action, batch.reward, batch.discount]
    .filter((a) => a !== undefined)
    .map((a) => a!.buffer as ArrayBuffer);
}
