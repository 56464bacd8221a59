/**
 * The run directory: `config.json` (resolved config), `metrics.jsonl`, `episodes/*.npz`,
 * `checkpoint/` and the report files. A checkpoint is a whole directory swapped in at once:
 * written to `checkpoint.next/`, then `checkpoint/` -> `checkpoint.prev/`, `checkpoint.next/` ->
 * `checkpoint/`, then `checkpoint.prev/` removed, so a kill at any moment leaves one complete
 * checkpoint (`checkpoint/`, or `checkpoint.prev/` when the kill fell between the renames).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Episode, type RngState, writeFileAtomic } from '@vmbrl/core';
import { readEpisode, writeEpisode } from '@vmbrl/replay';
import { configDifferences } from './config.js';

/** Counters and random-stream states of the loop, saved with every checkpoint. */
export interface LoopState {
  /** Training episodes collected (seed episodes included). */
  episodes: number;
  /** Control steps of training episodes (agent steps x action repeat). */
  envSteps: number;
  /** World-model updates done. */
  updates: number;
  /** Evaluations done. */
  evaluations: number;
  /** Return of the latest evaluation (mean over its episodes), null before the first. */
  lastEvalReturn: number | null;
  /** Random streams of the loop itself (random seed actions, replay sampling). */
  streams: { actions: RngState; replay: RngState };
  /** Episode files in `episodes/` that belong to the replay, in the order they were added. */
  replayFiles: string[];
}

const CONFIG = 'config.json';
const CHECKPOINT = 'checkpoint';
const NEXT = 'checkpoint.next';
const PREV = 'checkpoint.prev';
const STATE = 'state.json';

/** Paths inside a run directory. */
export function runPaths(out: string) {
  return {
    config: join(out, CONFIG),
    metrics: join(out, 'metrics.jsonl'),
    episodes: join(out, 'episodes'),
    checkpoint: join(out, CHECKPOINT),
    videos: join(out, 'videos'),
    report: join(out, 'report.html'),
    /** The counters of the last checkpoint written, kept outside it (a gone checkpoint shows). */
    journal: join(out, 'run-state.json'),
  };
}

/**
 * The config.json of `out` without its backend, through `read` (which upgrades and validates
 * it, throwing on a bad one); null when `out` holds no run. A bad file is reported by path.
 */
export function readSavedConfig<T>(
  out: string,
  read: (saved: Record<string, unknown>) => T,
): T | null {
  const path = runPaths(out).config;
  if (!existsSync(path)) return null;
  try {
    const { backend: _backend, ...rest } = JSON.parse(readFileSync(path, 'utf8'));
    return read(rest);
  } catch (error) {
    throw new Error(`${path} is not a valid run config: ${(error as Error).message}`);
  }
}

/**
 * Checks `config` against the config.json of an existing run in `out`: a different config
 * (budget fields aside) is an error listing the differences, unless `force`. `read` turns the
 * saved JSON into a config of today's layout (upgrading and validating it). Returns true when
 * the directory already holds a run. Writes nothing.
 */
export function checkSavedConfig(
  out: string,
  config: object,
  force: boolean,
  read: (saved: Record<string, unknown>) => object,
): boolean {
  const saved = readSavedConfig(out, read);
  if (saved === null) return false;
  const differences = configDifferences(saved, config);
  if (differences.length > 0 && !force) {
    throw new Error(
      `${out} holds a run with a different config (${differences.join('; ')}); use the same settings to resume, another --out, or --force-config to continue with the new config`,
    );
  }
  return true;
}

/** Creates the run directory and writes config.json (atomically), with the backend it runs on. */
export function writeRunConfig(out: string, config: object, backend: string): void {
  const paths = runPaths(out);
  mkdirSync(paths.episodes, { recursive: true });
  writeFileAtomic(paths.config, `${JSON.stringify({ ...config, backend }, null, 2)}\n`);
}

/**
 * The complete checkpoint of `out` without changing anything (readers such as `evaluate` may
 * look at a live run): `checkpoint/`, or `checkpoint.prev/` mid-swap; null if none.
 */
export function locateCheckpoint(out: string): string | null {
  for (const dir of [join(out, CHECKPOINT), join(out, PREV)]) {
    if (existsSync(join(dir, STATE))) return dir;
  }
  return null;
}

/**
 * The checkpoint directory to resume from, repairing an interrupted swap; null if none. Only
 * the run's writer (holding its lease) may call this.
 */
export function findCheckpoint(out: string): string | null {
  const current = join(out, CHECKPOINT);
  const prev = join(out, PREV);
  rmSync(join(out, NEXT), { recursive: true, force: true });
  if (!existsSync(join(current, STATE)) && existsSync(join(prev, STATE))) {
    rmSync(current, { recursive: true, force: true });
    renameSync(prev, current);
  }
  rmSync(prev, { recursive: true, force: true });
  return existsSync(join(current, STATE)) ? current : null;
}

/**
 * Writes a checkpoint: `saveAgent(dir)` fills the new directory, then the loop state goes in
 * last and the directory is swapped in.
 */
export async function writeCheckpoint(
  out: string,
  state: LoopState,
  saveAgent: (dir: string) => Promise<void>,
): Promise<void> {
  const next = join(out, NEXT);
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  await saveAgent(join(next, 'agent'));
  writeFileAtomic(join(next, STATE), `${JSON.stringify(state)}\n`);
  const current = join(out, CHECKPOINT);
  const prev = join(out, PREV);
  rmSync(prev, { recursive: true, force: true });
  if (existsSync(current)) renameSync(current, prev);
  renameSync(next, current);
  rmSync(prev, { recursive: true, force: true });
  const { episodes, envSteps, updates } = state;
  const at = new Date().toISOString();
  writeFileAtomic(
    runPaths(out).journal,
    `${JSON.stringify({ episodes, envSteps, updates, at })}\n`,
  );
}

/** Reads the loop state of a checkpoint directory. */
export function readLoopState(checkpointDir: string): LoopState {
  const path = join(checkpointDir, STATE);
  let state: LoopState;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as LoopState;
  } catch (error) {
    throw new Error(
      `${path} is unreadable (${(error as Error).message}); the checkpoint is damaged: \`vmbrl-online doctor\` can set it aside, or restore it from a backup`,
    );
  }
  for (const key of ['episodes', 'envSteps', 'updates', 'evaluations'] as const) {
    if (!Number.isInteger(state[key]) || state[key] < 0) {
      throw new Error(`${path}: ${key} is ${state[key]}; expected an integer >= 0`);
    }
  }
  if (!Array.isArray(state.replayFiles)) throw new Error(`${path}: replayFiles is missing`);
  return state;
}

/** File name of training episode `index` (0-based) with `rows` rows; sorts by index. */
export function episodeFileName(index: number, rows: number): string {
  return `${String(index).padStart(6, '0')}-${rows}.npz`;
}

/** Writes a training episode into `episodes/` (atomic) and returns its file name. */
export function saveEpisode(out: string, index: number, episode: Episode): string {
  const name = episodeFileName(index, episode.length);
  writeEpisode(join(runPaths(out).episodes, name), episode);
  return name;
}

/**
 * Reads the replay episodes a checkpoint lists, in order, from `out/episodes/`; touches nothing.
 * A listed file that is missing is an error naming it.
 */
export function readReplayEpisodes(out: string, files: readonly string[]): Episode[] {
  const dir = runPaths(out).episodes;
  return files.map((name) => {
    const path = join(dir, name);
    if (!existsSync(path)) {
      throw new Error(`${path} is listed in the checkpoint's replay but missing; cannot resume`);
    }
    return readEpisode(path);
  });
}

/**
 * Removes the episode files a checkpoint does not list (a run killed between an episode and its
 * checkpoint), so a resumed run collects them again.
 */
export function removeUnlistedEpisodes(out: string, files: readonly string[]): void {
  const dir = runPaths(out).episodes;
  const listed = new Set(files);
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.npz') && !listed.has(name)) rmSync(join(dir, name), { force: true });
  }
}
