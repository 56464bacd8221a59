import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@vmbrl/core';
import type { Adam, AdamState } from './adam.js';
import * as tf from './tf.js';

/** What a checkpoint holds. */
export interface CheckpointContents {
  /** Variables by stable name (e.g. `module.namedVariables()`, possibly merged). */
  variables: Map<string, tf.Variable>;
  /** Optimisers by name; their moments and step count are saved/restored. */
  optimizers?: Record<string, Adam>;
  /** Any JSON-serialisable data (step counters, config hash, Rng states...). */
  meta?: object;
}

/** Result of {@link loadCheckpoint}. */
export interface LoadedCheckpoint {
  meta: unknown;
}

interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  byteLength: number;
}

interface Manifest {
  format: 'vmbrl-checkpoint';
  version: 1;
  dataFile: string;
  byteLength: number;
  sha256: string;
  tensors: TensorEntry[];
  optimizers: Record<string, { step: number; slots: number }>;
  meta: unknown;
}

const MANIFEST = 'manifest.json';
const FORMAT = 'vmbrl-checkpoint';

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
  const entries = new Map(manifest.tensors.map((e) => [e.name, e]));
  const read = (entry: TensorEntry) => {
    const bytes = body.subarray(entry.offset, entry.offset + entry.byteLength);
    const copy = new Uint8Array(bytes).buffer;
    const values = entry.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    return tf.tensor(values, entry.shape, entry.dtype);
  };

  // Validate everything first.
  for (const [name, variable] of contents.variables) {
    const entry = entries.get(name);
    if (!entry) throw new Error(`Checkpoint ${dir} has no variable '${name}'`);
    checkShape(`variable '${name}'`, entry.shape, variable.shape, dir);
  }
  if (!contents.allowExtra) {
    const extra = manifest.tensors.filter(
      (e) => !e.name.startsWith('optimizer/') && !contents.variables.has(e.name),
    );
    if (extra.length > 0) {
      throw new Error(
        `Checkpoint ${dir} has variables the model lacks: ${extra.map((e) => e.name).join(', ')} (pass allowExtra to ignore them)`,
      );
    }
  }
  const optimizerStates: Array<[Adam, AdamState]> = [];
  for (const [name, optimizer] of Object.entries(contents.optimizers ?? {})) {
    const saved = manifest.optimizers[name];
    if (!saved) throw new Error(`Checkpoint ${dir} has no optimiser '${name}'`);
    const slot = (kind: 'm' | 'v', i: number) => {
      const entry = entries.get(optimizerKey(name, kind, i));
      if (!entry) throw new Error(`Checkpoint ${dir} lacks ${optimizerKey(name, kind, i)}`);
      return entry;
    };
    const mEntries = Array.from({ length: saved.slots }, (_, i) => slot('m', i));
    const vEntries = Array.from({ length: saved.slots }, (_, i) => slot('v', i));
    optimizerStates.push([
      optimizer,
      { step: saved.step, m: mEntries.map(read), v: vEntries.map(read) },
    ]);
  }

  for (const [name, variable] of contents.variables) {
    const value = read(entries.get(name) as TensorEntry);
    variable.assign(value);
    value.dispose();
  }
  for (const [optimizer, state] of optimizerStates) {
    optimizer.setState(state);
    for (const t of [...state.m, ...state.v]) t.dispose();
  }
  return { meta: manifest.meta };
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

async function readManifest(file: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `No checkpoint at ${path.dirname(file)}: cannot read ${file} (${(error as Error).message})`,
    );
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch (error) {
    throw new Error(
      `Checkpoint manifest ${file} is truncated or corrupt: ${(error as Error).message}`,
    );
  }
  if (manifest?.format !== FORMAT || manifest.version !== 1 || !Array.isArray(manifest.tensors)) {
    throw new Error(`Checkpoint manifest ${file} is not a ${FORMAT} version 1 manifest`);
  }
  return manifest;
}

function checkShape(what: string, saved: number[], expected: number[], dir: string): void {
  if (saved.length !== expected.length || saved.some((d, i) => d !== expected[i])) {
    throw new Error(
      `Checkpoint ${dir}: ${what} has shape [${saved}] in the checkpoint but [${expected}] in the model`,
    );
  }
}

function optimizerKey(name: string, kind: 'm' | 'v', index: number): string {
  return `optimizer/${name}/${kind}/${index}`;
}
