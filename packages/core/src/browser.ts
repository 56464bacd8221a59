/**
 * @vmbrl/core in the browser (the `browser` export condition): everything of the main entry that
 * needs no Node module. What reads or writes files (atomic writes, JSON files, leases, PNG/GIF
 * files, the command line) stays behind the Node entry; the two file helpers the model and agent
 * classes reference throw here with a message saying so.
 */
import type { Machine } from './machine-limits.js';

export * from './portable.js';
export * from './machine-limits.js';
export * from './errors.js';

/** The browser's machine: its logical cores, and the memory the page may assume (4 GB cap). */
export function thisMachine(): Machine {
  const nav = (
    globalThis as { navigator?: { hardwareConcurrency?: number; deviceMemory?: number } }
  ).navigator;
  const gb = nav?.deviceMemory ?? 4;
  return { cores: nav?.hardwareConcurrency ?? 1, memoryBytes: gb * 2 ** 30 };
}

function nodeOnly(name: string): never {
  throw new Error(
    `${name} writes or reads files and is not available in the browser build of @vmbrl/core`,
  );
}

/** Node only: throws in the browser. */
export function writeFileAtomic(_path: string, _data: string | Uint8Array): void {
  nodeOnly('writeFileAtomic');
}

/** Node only: throws in the browser. */
export function readJsonFile(_path: string): unknown {
  return nodeOnly('readJsonFile');
}
