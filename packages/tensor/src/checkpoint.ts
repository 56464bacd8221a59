import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@vmbrl/core';
import type { AdamState } from './adam.js';
import {
  type CheckpointContents,
  FORMAT,
  type LoadedCheckpoint,
  MANIFEST,
  type Manifest,
  type StoredTensor,
  type TensorEntry,
  assignCheckpoint,
  entryValues,
  optimizerKey,
  parseManifest,
} from './checkpoint-restore.js';

export type { CheckpointContents, LoadedCheckpoint, StoredTensor } from './checkpoint-restore.js';
import type * as tf from './tf.js';

/** True if `dir` holds a checkpoint manifest. */
export async function checkpointExists(dir: string): Promise<boolean> {
  return stat(path.join(dir, MANIFEST)).then(
    () => true,
    () => false,
  );
}

/**
 * Saves variables, optimiser states and meta to `dir` atomically: the tensor data goes to a
 * new `data-*.bin` (temp file + rename), then `manifest.json` (temp file + rename) switches to
 * it, then older data files are removed. A crash at any point leaves the previous checkpoint
 * or the new one, never a mix.
 */
export async function saveCheckpoint(dir: string, contents: CheckpointContents): Promise<void> {
  await mkdir(dir, { recursive: true });
  const named: Array<[string, tf.Tensor]> = [...contents.variables];
  const optimizers: Manifest['optimizers'] = {};
  const states: AdamState[] = [];
  for (const [name, optimizer] of Object.entries(contents.optimizers ?? {})) {
    const state = optimizer.getState();
    states.push(state);
    optimizers[name] = { step: state.step, slots: state.m.length };
    state.m.forEach((m, i) => named.push([optimizerKey(name, 'm', i), m]));
    state.v.forEach((v, i) => named.push([optimizerKey(name, 'v', i), v]));
  }
  try {
    const tensors: TensorEntry[] = [];
    const chunks: Uint8Array[] = [];
    let offset = 0;
    for (const [name, tensor] of named) {
      if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
        throw new Error(
          `saveCheckpoint: variable '${name}' has dtype ${tensor.dtype}; only float32 and int32 are stored`,
        );
      }
      const data = await tensor.data();
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      tensors.push({
        name,
        shape: tensor.shape,
        dtype: tensor.dtype,
        offset,
        byteLength: bytes.byteLength,
      });
      chunks.push(bytes);
      offset += bytes.byteLength;
    }
    const body = Buffer.concat(chunks);
    const dataFile = `data-${Date.now().toString(36)}-${process.pid}.bin`;
    writeFileAtomic(path.join(dir, dataFile), body);
    const manifest: Manifest = {
      format: FORMAT,
      version: 1,
      dataFile,
      byteLength: body.byteLength,
      sha256: createHash('sha256').update(body).digest('hex'),
      tensors,
      optimizers,
      meta: contents.meta ?? null,
    };
    writeFileAtomic(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 1));
    for (const file of await readdir(dir)) {
      if (/^data-.*\.bin$/.test(file) && file !== dataFile)
        await rm(path.join(dir, file), { force: true });
    }
  } finally {
    for (const state of states) for (const t of [...state.m, ...state.v]) t.dispose();
  }
}

/**
 * Restores the variables (and optimisers) in `contents` from `dir`. Everything is validated
 * before anything is assigned: a missing, truncated or corrupt file is an error naming the
 * file; a missing variable or a shape mismatch names the variable and both shapes.
 * Checkpoint variables the model does not have are an error too (`allowExtra` to ignore).
 */
export async function loadCheckpoint(
  dir: string,
  contents: CheckpointContents & { allowExtra?: boolean },
): Promise<LoadedCheckpoint> {
  const { manifest, body } = await readCheckpointFiles(dir);
  return assignCheckpoint(manifest, body, contents, dir);
}

/**
 * Reads and checks the files of the checkpoint in `dir` (manifest, data length and SHA-256)
 * without TensorFlow.js: throws an error naming the damaged file. `vmbrl-online doctor` checks
 * checkpoints with it.
 */
export async function readCheckpointFiles(
  dir: string,
): Promise<{ manifest: Manifest; body: Buffer }> {
  const manifestPath = path.join(dir, MANIFEST);
  const manifest = await readManifest(manifestPath);
  const dataPath = path.join(dir, manifest.dataFile);
  const body = await readFile(dataPath).catch((error: Error) => {
    throw new Error(`Checkpoint data file ${dataPath} cannot be read: ${error.message}`);
  });
  if (body.byteLength !== manifest.byteLength) {
    throw new Error(
      `Checkpoint data file ${dataPath} is truncated or corrupt: ${body.byteLength} bytes, manifest says ${manifest.byteLength}`,
    );
  }
  if (createHash('sha256').update(body).digest('hex') !== manifest.sha256) {
    throw new Error(
      `Checkpoint data file ${dataPath} is corrupt: its SHA-256 does not match ${manifestPath}`,
    );
  }
  return { manifest, body };
}

/**
 * Every tensor a checkpoint in `dir` stores, by name, in the order saved (optimiser moments
 * under `optimizer/<name>/m|v/<i>`), verified like {@link loadCheckpoint} does; for exports.
 */
export async function readCheckpointTensors(dir: string): Promise<Map<string, StoredTensor>> {
  const { manifest, body } = await readCheckpointFiles(dir);
  return new Map(
    manifest.tensors.map((e) => [
      e.name,
      { shape: e.shape, dtype: e.dtype, values: entryValues(body, e) },
    ]),
  );
}

async function readManifest(file: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `No checkpoint at ${path.dirname(file)}: cannot read ${file} (${(error as Error).message})`,
    );
  }
  return parseManifest(text, file);
}
