/**
 * Worker-thread side of `WorkerDiskSampler`: owns a `DiskEpisodeStore` (its own cache) and
 * produces batches on request, transferring their buffers to the main thread without copying.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { Rng, type SequenceBatch, type TransitionBatch } from '@vmbrl/core';
import { DiskEpisodeStore } from './disk-store';
import { type WorkerSamplerConfig, type WorkerToMain, batchBuffers } from './worker-protocol';

const config = workerData as WorkerSamplerConfig & { port: MessagePort };
// Requests come from the parent; everything produced goes out on the dedicated port.
const requests = parentPort!;
const post = (message: WorkerToMain, transfer: ArrayBuffer[] = []) =>
  config.port.postMessage(message, transfer);

try {
  const store = DiskEpisodeStore.open(config.dir, {
    split: config.split,
    cacheBytes: config.cacheBytes,
    onSkip: (file, reason) => post({ type: 'skip', file, reason }),
  });
  const rng = new Rng(config.seed);
  // Batches the main thread handed back (their buffers transferred here) are overwritten.
  const pool: SequenceBatch[] = [];
  const produce = (): SequenceBatch | TransitionBatch =>
    config.mode === 'transitions'
      ? store.sampleTransitions(config.batchSize, config.length, rng, config.keys)
      : store.sample(config.batchSize, config.length, rng, config.keys, pool.pop());
  type Request =
    | { type: 'request'; count: number }
    | { type: 'refresh' }
    | { type: 'recycle'; batch: SequenceBatch };
  requests.on('message', (message: Request) => {
    try {
      if (message.type === 'refresh') {
        store.refresh();
        return;
      }
      if (message.type === 'recycle') {
        if (pool.length < 4) pool.push(message.batch);
        return;
      }
      for (let i = 0; i < message.count; i++) {
        const start = performance.now();
        const batch = produce();
        post({ type: 'batch', batch, produceMs: performance.now() - start }, batchBuffers(batch));
      }
    } catch (error) {
      post({ type: 'error', message: (error as Error).message });
    }
  });
  post({ type: 'ready', episodes: store.numEpisodes, steps: store.numSteps });
} catch (error) {
  post({ type: 'error', message: (error as Error).message });
}
