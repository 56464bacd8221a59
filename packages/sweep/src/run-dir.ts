/**
 * What the engine keeps in a cell's run directory, beside what the cell's program writes:
 * - `cell.json`: the cell's id and resolved config (the program reads its config from here);
 * - `cell-status.json`: running, done, failed (with the error) or interrupted, attempts, timing;
 * - `cell.log`: the program's stdout and stderr, appended across attempts;
 * - `run.lock`: the lease of whoever runs the cell now.
 * Every JSON file is written atomically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_LOCK_FILE, writeFileAtomic } from '@vmbrl/core';
import { type Cell, cellId } from './cell.js';

export const CELL_FILE = 'cell.json';
export const STATUS_FILE = 'cell-status.json';
export const LOG_FILE = 'cell.log';

/** Where a cell stands, as recorded in its run directory. */
export interface CellStatus {
  id: string;
  state: 'running' | 'done' | 'failed' | 'interrupted';
  /** Times the program was started for this cell, over all engines and restarts. */
  attempts: number;
  /** Host and pid of the engine process that ran the latest attempt. */
  host: string;
  pid: number;
  /** Start of the latest attempt (ISO time). */
  startedAt: string;
  /** End of the latest attempt (ISO time), absent while running. */
  finishedAt?: string;
  /** Wall-clock of the latest attempt in ms (of the attempt that finished the cell when done). */
  durationMs?: number;
  /** Why the latest attempt failed: exit code or signal and the end of the program's stderr. */
  error?: string;
}

/** Paths of the engine's files in `runDir`. */
export function cellPaths(runDir: string) {
  return {
    cell: join(runDir, CELL_FILE),
    status: join(runDir, STATUS_FILE),
    log: join(runDir, LOG_FILE),
    lock: join(runDir, RUN_LOCK_FILE),
  };
}

/** The recorded status of the cell in `runDir`, or null if none was recorded. A damaged file is
 * an error naming it. */
export function readCellStatus(runDir: string): CellStatus | null {
  const path = cellPaths(runDir).status;
  if (!existsSync(path)) return null;
  try {
    const status = JSON.parse(readFileSync(path, 'utf8')) as CellStatus;
    if (typeof status.state !== 'string') throw new Error('no state');
    return status;
  } catch (error) {
    throw new Error(`${path} is not a cell status: ${(error as Error).message}`);
  }
}

export function writeCellStatus(runDir: string, status: CellStatus): void {
  const { id, state, ...rest } = status; // id and state first, for people reading the file
  writeFileAtomic(cellPaths(runDir).status, `${JSON.stringify({ id, state, ...rest }, null, 2)}\n`);
}

/** True when the cell in `runDir` finished (its program exited 0 under the engine). */
export function isCellDone(runDir: string): boolean {
  return readCellStatus(runDir)?.state === 'done';
}

/** A run directory that holds another cell than the one asked for. */
export class ForeignRunDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForeignRunDirError';
  }
}

/**
 * Throws ForeignRunDirError when `runDir` holds a `cell.json` of another config: a run directory
 * produced by another config is never reused. Nothing is written.
 */
export function checkCellFile(runDir: string, cell: Pick<Cell<unknown>, 'id'>): void {
  const path = cellPaths(runDir).cell;
  if (!existsSync(path)) return;
  let saved: { id?: string; config?: unknown };
  let savedId: string;
  try {
    saved = JSON.parse(readFileSync(path, 'utf8'));
    savedId = cellId(saved.config);
  } catch (error) {
    throw new ForeignRunDirError(`${path} is not a cell file: ${(error as Error).message}`);
  }
  if (saved.id !== cell.id || savedId !== cell.id) {
    throw new ForeignRunDirError(
      `${path} describes another config (id ${saved.id}, its config hashes to ${savedId}) than cell ${cell.id}; ` +
        'move the directory aside to run this cell',
    );
  }
}

/** Writes `cell.json` (`{ id, config }`), or checks the one there (see checkCellFile). */
export function writeOrCheckCellFile(runDir: string, cell: Cell<unknown>): void {
  const path = cellPaths(runDir).cell;
  if (existsSync(path)) {
    checkCellFile(runDir, cell);
    return;
  }
  writeFileAtomic(path, `${JSON.stringify({ id: cell.id, config: cell.config }, null, 2)}\n`);
}
