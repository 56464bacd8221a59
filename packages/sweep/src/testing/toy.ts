/**
 * What the toy cell program (fixtures/toy-cell.mjs) must have written, computed here on its
 * own, and readers for its files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Cell, makeCell } from '../cell.js';

export interface ToyConfig {
  seed: number;
  rows: number;
  sleepMs: number;
  failAttempts?: number;
  failAlways?: boolean;
}

export { toyProgram, toyRunner, validateToyConfig } from '../../fixtures/toy-runner.mjs';

export function toyCell(config: ToyConfig): Cell<ToyConfig> {
  return makeCell(config, { cost: config.rows * config.sleepMs });
}

/** metrics.jsonl of an uninterrupted toy run: row i holds the i-th draw of the seeded LCG. */
export function expectedMetrics(config: ToyConfig): { row: number; value: number }[] {
  let state = (config.seed * 7919 + 1) >>> 0;
  return Array.from({ length: config.rows }, (_, row) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return { row, value: state / 2 ** 32 };
  });
}

export function readMetrics(runDir: string): { row: number; value: number }[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** Rows computed, as `executions.log` lists them (never truncated): [pid, row] pairs. */
export function readExecutions(runDir: string): [number, number][] {
  const path = join(runDir, 'executions.log');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ').map(Number) as [number, number]);
}
