/**
 * Checkpoint data without the file system: the manifest's types, its parser, and restoring
 * variables from bytes already in memory (the browser fetches them; Node reads them from disk in
 * checkpoint.ts). Validation and messages are the same for both.
 */
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

export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  byteLength: number;
}

export interface Manifest {
  format: 'vmbrl-checkpoint';
  version: 1;
  dataFile: string;
  byteLength: number;
  sha256: string;
  tensors: TensorEntry[];
  optimizers: Record<string, { step: number; slots: number }>;
  meta: unknown;
}

export const MANIFEST = 'manifest.json';
export const FORMAT = 'vmbrl-checkpoint';

/** Parses manifest text; `file` names it in errors. */
export function parseManifest(text: string, file: string): Manifest {
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

/**
 * Checks and assigns the checkpoint held in memory (`manifestText`, and the bytes of its data
 * file) to `contents`, like {@link loadCheckpoint} does from a directory: the byte length and
 * SHA-256 of `body` are verified first (Web Crypto). `source` names the checkpoint in errors.
 */
export async function restoreCheckpoint(
  manifestText: string,
  body: Uint8Array,
  contents: CheckpointContents & { allowExtra?: boolean },
  source = 'checkpoint',
): Promise<LoadedCheckpoint> {
  const manifest = parseManifest(manifestText, `${source}/manifest.json`);
  if (body.byteLength !== manifest.byteLength) {
    throw new Error(
      `Checkpoint data ${source}/${manifest.dataFile} is truncated or corrupt: ${body.byteLength} bytes, manifest says ${manifest.byteLength}`,
    );
  }
  if ((await sha256Hex(body)) !== manifest.sha256) {
    throw new Error(
      `Checkpoint data ${source}/${manifest.dataFile} is corrupt: its SHA-256 does not match the manifest`,
    );
  }
  return assignCheckpoint(manifest, body, contents, source);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Validates everything, then assigns variables and optimiser states; `dir` names the source. */
export function assignCheckpoint(
  manifest: Manifest,
  body: Uint8Array,
  contents: CheckpointContents & { allowExtra?: boolean },
  dir: string,
): LoadedCheckpoint {
  const entries = new Map(manifest.tensors.map((e) => [e.name, e]));
  const read = (entry: TensorEntry) =>
    tf.tensor(entryValues(body, entry), entry.shape, entry.dtype);

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

/** A copy of one stored tensor's values. */
export function entryValues(body: Uint8Array, entry: TensorEntry): Float32Array | Int32Array {
  const copy = new Uint8Array(body.subarray(entry.offset, entry.offset + entry.byteLength)).buffer;
  return entry.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
}

/** One tensor of a checkpoint, read without TensorFlow.js. */
export interface StoredTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

function checkShape(what: string, saved: number[], expected: number[], dir: string): void {
  if (saved.length !== expected.length || saved.some((d, i) => d !== expected[i])) {
    throw new Error(
      `Checkpoint ${dir}: ${what} has shape [${saved}] in the checkpoint but [${expected}] in the model`,
    );
  }
}

export function optimizerKey(name: string, kind: 'm' | 'v', index: number): string {
  return `optimizer/${name}/${kind}/${index}`;
}
