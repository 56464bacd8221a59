/**
 * Worker-thread side of `WorkerDiskSampler`: owns a `DiskEpisodeStore` (its own cache) and
 * produces batches on request, transferring their buffers to the main thread without copying.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { Rng } from '@vmbrl/tensor/random';
import { DiskEpisodeStore } from './disk-store';
import type { SequenceBatch, TransitionBatch } from './sampling';
import type { WorkerSamplerConfig, WorkerToMain } from './worker-protocol';

const config = workerData as WorkerSamplerConfig & { port: MessagePort };
// Requests come from the parent; everything produced goes out on the dedicated port.
const requests = parentPort!;
const post = (message: WorkerToMain, transfer: ArrayBuffer[] = []) =>
  config.port.postMessage(message, transfer);

try {
  const store = DiskEpisodeStore.open(config.dir, {
    cacheBytes: config.cacheBytes,
    onSkip: (file, reason) => post({ type: 'skip', file, reason }),
  });
  const rng = new Rng(config.seed);
  const produce = (): SequenceBatch | TransitionBatch =>
    config.mode === 'transitions'
      ? store.sampleTransitions(config.batchSize, config.length, rng, config.keys)
      : store.sample(config.batchSize, config.length, rng, config.keys);
  requests.on('message', (message: { type: 'request'; count: number } | { type: 'refresh' }) => {
    try {
      if (message.type === 'refresh') {
        store.refresh();
        return;
      }
      for (let i = 0; i < message.count; i++) {
        const start = performance.now();
        const batch = produce();
        const buffers = [batch.image, batch.state, batch.action, batch.reward, batch.discount]
          .filter((a) => a !== undefined)
          .map((a) => a!.buffer as ArrayBuffer);
        post({ type: 'batch', batch, produceMs: performance.now() - start }, buffers);
      }
    } catch (error) {
      post({ type: 'error', message: (error as Error).message });
    }
  });
  post({ type: 'ready', episodes: store.numEpisodes, steps: store.numSteps });
} catch (error) {
  post({ type: 'error', message: (error as Error).message });
}
