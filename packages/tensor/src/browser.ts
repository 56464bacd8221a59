/**
 * @vmbrl/tensor in the browser (the `browser` export condition): the layers, distributions,
 * Adam, images and checkpoints restored from bytes, with {@link initBrowserBackend} in place of
 * `initBackend`. Nothing here imports a Node module; saving and loading checkpoint directories
 * stays in the Node entry and throws here.
 */
import type { CheckpointContents, LoadedCheckpoint } from './checkpoint-restore.js';

export * from './portable.js';
export {
  type BrowserBackend,
  type BrowserBackendName,
  type BrowserBackendOptions,
  initBrowserBackend,
} from './browser-backend.js';

function nodeOnly(name: string): never {
  throw new Error(
    `${name} reads or writes a checkpoint directory; in the browser use restoreCheckpoint(manifest, bytes, ...)`,
  );
}

/** Node only: throws in the browser. */
export async function saveCheckpoint(_dir: string, _contents: CheckpointContents): Promise<void> {
  nodeOnly('saveCheckpoint');
}

/** Node only: throws in the browser. */
export async function loadCheckpoint(
  _dir: string,
  _contents: CheckpointContents,
): Promise<LoadedCheckpoint> {
  return nodeOnly('loadCheckpoint');
}
