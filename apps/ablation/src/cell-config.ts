/**
 * What a cell is to the engines: its config (checked before a program runs it, also when it
 * arrives as a queue payload), its program (`dist/cell.js`), and how far its run directory got.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPaths, validateRunConfig } from '@vmbrl/agents';
import { validator } from '@vmbrl/core';
import type { CellRunner } from '@vmbrl/sweep';
import { checkpointUpdates, offlineBudget } from './offline-cells.js';
import type { CellConfig } from './plan.js';

const check = validator('cell config');

/**
 * Throws a ValidationError unless `config` is a cell config: an online one whose run config
 * validates, or an offline one naming a dataset, an agent, a preset and a seed (the offline
 * cell checks the rest against its dataset when it starts).
 */
export function validateCellConfig(config: unknown): asserts config is CellConfig {
  if (!config || typeof config !== 'object') check.fail('config', config, '{ protocol, ... }');
  const { protocol } = config as { protocol?: unknown };
  check.oneOf('protocol', protocol, ['online', 'offline']);
  if (protocol === 'online') {
    const { run } = config as { run?: unknown };
    if (!run || typeof run !== 'object') check.fail('run', run, 'a run config');
    validateRunConfig(run as Parameters<typeof validateRunConfig>[0]);
    return;
  }
  const { offline } = config as { offline?: Record<string, unknown> };
  if (!offline || typeof offline !== 'object') {
    return check.fail('offline', offline, 'an offline cell');
  }
  for (const key of ['dataset', 'agent', 'preset'] as const) {
    if (typeof offline[key] !== 'string') check.fail(`offline.${key}`, offline[key], 'a string');
  }
  check.integer('offline.seed', offline.seed as number, 0);
}

/** Episodes of the last checkpoint of a run directory (0 before the first). */
export function checkpointEpisodes(runDir: string): number {
  const checkpoint = runPaths(runDir).checkpoint;
  for (const dir of [checkpoint, `${checkpoint}.prev`]) {
    const state = join(dir, 'state.json');
    if (existsSync(state)) return JSON.parse(readFileSync(state, 'utf8')).episodes as number;
  }
  return 0;
}

/** Fraction of a cell's budget (episodes online, updates offline) that is checkpointed, in [0, 1]. */
export function cellProgress(runDir: string): number | undefined {
  const cellFile = join(runDir, 'cell.json');
  if (!existsSync(cellFile)) return undefined;
  const { config } = JSON.parse(readFileSync(cellFile, 'utf8')) as { config: CellConfig };
  if (config.protocol === 'offline') {
    return Math.min(1, checkpointUpdates(runDir) / offlineBudget(config.offline));
  }
  const budget = config.run.maxEpisodes;
  if (!budget) return undefined;
  return Math.min(1, checkpointEpisodes(runDir) / budget);
}

/** The program every cell runs (this app's `dist/cell.js`, beside `dist/cli.js`). */
export function cellRunner(): CellRunner {
  return {
    module: fileURLToPath(new URL('./cell.js', import.meta.url)),
    progress: cellProgress,
    killGraceMs: 20_000,
  };
}
