/**
 * Checkpoints kept besides the current one (`checkpoint/`), in `checkpoints/`:
 * - `episode-NNNNNN/`, the newest `keepCheckpoints` iterations (N = training episodes done);
 * - `best/`, the checkpoint of the best evaluation return so far, with `best.json`.
 * A kept checkpoint is a tree of hard links to `checkpoint/`'s files: a checkpoint is never
 * modified in place (each is a new directory swapped in), so a link costs no space until the
 * current checkpoint moves on. Each is built under `<name>.next/` and swapped in by renames, like
 * `checkpoint/` itself. And the export of a checkpoint's weights to `.npz`.
 */
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '@vmbrl/core';
import { type NpyArray, writeNpz } from '@vmbrl/replay';
import { readCheckpointTensors } from '@vmbrl/tensor';
import type { LoopConfig } from './config.js';
import type { LoopState } from './run-dir.js';

/** The folder of kept checkpoints, inside the run directory. */
export const CHECKPOINTS_DIR = 'checkpoints';
const BEST = 'best';
const BEST_FILE = 'best.json';
const EPISODE_DIR = /^episode-\d{6}$/;

/** What `checkpoints/best/best.json` records. */
export interface BestCheckpoint {
  evalReturn: number;
  episodes: number;
  envSteps: number;
}

/** Name of the kept checkpoint after `episodes` training episodes. */
export function episodeCheckpointName(episodes: number): string {
  return `episode-${String(episodes).padStart(6, '0')}`;
}

/** Hard-links every file of `source` into `target` (created), keeping the tree. */
function linkTree(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) linkTree(from, to);
    else linkSync(from, to);
  }
}

/**
 * Makes `target` a copy (links) of `source`, with `extra` files written into it first; a kill at
 * any moment leaves the old `target` or the new one (an interrupted swap is finished here).
 */
function replaceWithLinks(source: string, target: string, extra: Record<string, string> = {}) {
  const next = `${target}.next`;
  const old = `${target}.old`;
  finishSwap(target);
  rmSync(next, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
  linkTree(source, next);
  for (const [name, text] of Object.entries(extra)) writeFileAtomic(join(next, name), text);
  if (existsSync(target)) renameSync(target, old);
  renameSync(next, target);
  rmSync(old, { recursive: true, force: true });
}

/** Puts `<target>.old` back when a kill fell between the two renames of a swap. */
function finishSwap(target: string): void {
  if (!existsSync(target) && existsSync(`${target}.old`)) renameSync(`${target}.old`, target);
}

/** The best evaluation kept so far, or null (read-only: an interrupted swap is read through). */
export function readBestCheckpoint(out: string): BestCheckpoint | null {
  const best = join(out, CHECKPOINTS_DIR, BEST);
  const dir = existsSync(best) ? best : `${best}.old`;
  const path = join(dir, BEST_FILE);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as BestCheckpoint;
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); delete it to reset`);
  }
}

/**
 * Keeps the just-written `checkpoint/` of `out` as `config` asks: as `episode-N` (removing the
 * oldest beyond `keepCheckpoints`), and as `best` when `evalReturn` beats the best so far.
 */
export function retainCheckpoint(
  out: string,
  config: Pick<LoopConfig, 'keepCheckpoints' | 'keepBestCheckpoint'>,
  state: LoopState,
  evalReturn: number | null,
): void {
  const current = join(out, 'checkpoint');
  const dir = join(out, CHECKPOINTS_DIR);
  if (config.keepCheckpoints > 0) {
    replaceWithLinks(current, join(dir, episodeCheckpointName(state.episodes)));
    const kept = readdirSync(dir)
      .filter((name) => EPISODE_DIR.test(name))
      .sort();
    for (const name of kept.slice(0, -config.keepCheckpoints)) {
      rmSync(join(dir, name), { recursive: true, force: true });
    }
  }
  if (config.keepBestCheckpoint && evalReturn !== null && Number.isFinite(evalReturn)) {
    finishSwap(join(dir, BEST));
    const best = readBestCheckpoint(out);
    if (best === null || evalReturn > best.evalReturn) {
      const record: BestCheckpoint = {
        evalReturn,
        episodes: state.episodes,
        envSteps: state.envSteps,
      };
      replaceWithLinks(current, join(dir, BEST), {
        [BEST_FILE]: `${JSON.stringify(record, null, 2)}\n`,
      });
    }
  }
}

/** Directories under `dir` holding a tensor checkpoint (a `manifest.json`), relative, sorted. */
function tensorCheckpointDirs(dir: string, root = dir): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...tensorCheckpointDirs(path, root));
    else if (entry.name === 'manifest.json') found.push(relative(root, dir));
  }
  return found;
}

/**
 * Writes the weights of the agent saved in `checkpointDir` (a run's `checkpoint/` or a kept one)
 * to `to` as `.npz`: one array per variable, keyed `<part>/<variable>` where part is the folder
 * of the agent's save holding it (e.g. `model`), float32 or int32 with the variable's shape;
 * optimiser moments (`<part>/optimizer/...`) only with `optimizer`. Returns the keys written.
 */
export async function exportCheckpointNpz(
  checkpointDir: string,
  to: string,
  options: { optimizer?: boolean } = {},
): Promise<string[]> {
  const agentDir = join(checkpointDir, 'agent');
  if (!existsSync(agentDir) || !statSync(agentDir).isDirectory()) {
    throw new Error(`${checkpointDir} holds no agent/ folder: not a run checkpoint`);
  }
  const parts = tensorCheckpointDirs(agentDir);
  if (parts.length === 0) throw new Error(`${agentDir} holds no saved weights (manifest.json)`);
  const arrays: Record<string, NpyArray> = {};
  for (const part of parts) {
    for (const [name, t] of await readCheckpointTensors(join(agentDir, part))) {
      if (name.startsWith('optimizer/') && !options.optimizer) continue;
      const key = part === '' ? name : `${part}/${name}`;
      arrays[key] = { dtype: t.dtype === 'int32' ? '<i4' : '<f4', shape: t.shape, data: t.values };
    }
  }
  writeNpz(to, arrays);
  return Object.keys(arrays);
}
