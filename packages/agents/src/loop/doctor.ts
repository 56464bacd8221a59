/**
 * `vmbrl-online doctor RUN`: every problem of a run directory, and with `repair` the fixes that
 * make it resumable again without deleting anything (issue 15):
 * - damaged files (an episode the checkpoint lists, a foreign episode file) are moved into
 *   `quarantine-<time>/` and listed; a quarantined replay episode leaves the checkpoint's replay
 *   (the resumed run trains on one episode fewer than an uninterrupted one would);
 * - `metrics.jsonl` keeps its valid rows up to the checkpoint (the original is quarantined);
 * - temporary files of killed writers are removed (they are never complete files).
 * A damaged checkpoint cannot be repaired: it is quarantined and `--restart` starts over.
 * Repairs take the run's lease, so a running trainer is never repaired under its feet.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import {
  RUN_LOCK_FILE,
  orphanTempFiles,
  readJsonFile,
  readLease,
  staleReason,
  writeFileAtomic,
} from '@vmbrl/core';
import { readEpisode } from '@vmbrl/replay';
import { readCheckpointFiles } from '@vmbrl/tensor';
import { type LoopState, locateCheckpoint, readLoopState, runPaths } from './run-dir.js';
import { lockRunDirectory } from './run-start.js';

/** One problem found, and what `repair` did about it (null: nothing, or not asked). */
export interface RunProblem {
  /** The file or directory, relative to the run directory. */
  path: string;
  problem: string;
  repaired: string | null;
}

/** What {@link doctorRun} found. */
export interface DoctorReport {
  problems: RunProblem[];
  /** Where damaged files went (null when nothing was moved). */
  quarantine: string | null;
  /** True when the run can be resumed as it stands (after the repairs, if any). */
  resumable: boolean;
}

/** Where repairs move damaged files: `<prefix><time>` inside the run directory (run-start.ts
 * leaves such folders alone). */
const QUARANTINE_PREFIX = 'quarantine-';

/** Checks the run directory `out` and, with `repair`, fixes what can be fixed. */
export async function doctorRun(
  out: string,
  options: { repair?: boolean; now?: Date } = {},
): Promise<DoctorReport> {
  const paths = runPaths(out);
  if (!existsSync(paths.config)) {
    throw new Error(`${out} holds no run: ${paths.config} is missing`);
  }
  const lease = options.repair ? lockRunDirectory(out, 'vmbrl-online doctor --repair') : null;
  try {
    return await examine(out, options.repair ?? false, options.now ?? new Date());
  } finally {
    lease?.release();
  }
}

async function examine(out: string, repair: boolean, now: Date): Promise<DoctorReport> {
  const paths = runPaths(out);
  const problems: RunProblem[] = [];
  const quarantine = join(out, `${QUARANTINE_PREFIX}${now.toISOString().replace(/[:.]/g, '-')}`);
  let moved = false;
  const setAside = (path: string) => {
    const target = join(quarantine, relative(out, path));
    mkdirSync(dirname(target), { recursive: true });
    renameSync(path, target);
    moved = true;
    return `moved to ${relative(out, target)}`;
  };
  const note = (path: string, problem: string, fix: () => string) => {
    problems.push({ path: relative(out, path) || '.', problem, repaired: repair ? fix() : null });
  };

  // The lock: a live holder means the run is being written now.
  const lock = readLease(join(out, RUN_LOCK_FILE));
  if (lock && !repair && staleReason(lock) === null) {
    problems.push({
      path: RUN_LOCK_FILE,
      problem: `in use by pid ${lock.pid} on ${lock.host} since ${lock.startedAt} (what follows may change as it runs)`,
      repaired: null,
    });
  }
  try {
    readJsonFile(paths.config);
  } catch (error) {
    note(paths.config, (error as Error).message, () => 'not repairable: restore it from a backup');
  }
  for (const name of orphanTempFiles(out)) {
    note(join(out, name), 'temporary file of a killed writer (never a complete file)', () => {
      rmSync(join(out, name), { force: true });
      return 'removed';
    });
  }

  // The checkpoint: its loop state and every weights file it holds.
  let state: LoopState | null = null;
  const checkpoint = locateCheckpoint(out);
  if (checkpoint === null) {
    note(paths.checkpoint, 'no complete checkpoint', () => 'not repairable: --restart starts over');
  } else {
    const damage = await checkpointDamage(checkpoint);
    if (damage === null) state = readLoopState(checkpoint);
    else note(checkpoint, damage, () => `${setAside(checkpoint)}; --restart starts over`);
  }

  // Episodes: every listed one must read; unlisted ones are foreign (or the one in progress).
  if (state !== null) {
    const dropped: string[] = [];
    for (const name of state.replayFiles) {
      const path = join(paths.episodes, name);
      const problem = episodeProblem(path);
      if (problem === null) continue;
      note(path, problem, () => {
        dropped.push(name);
        const where = existsSync(path) ? setAside(path) : 'nothing to move';
        return `left out of the checkpoint's replay; ${where}`;
      });
    }
    if (dropped.length > 0 && checkpoint !== null) {
      const kept = state.replayFiles.filter((name) => !dropped.includes(name));
      const repaired = { ...state, replayFiles: kept };
      writeFileAtomic(join(checkpoint, 'state.json'), `${JSON.stringify(repaired)}\n`);
      state = repaired;
    }
    const listed = new Set(state.replayFiles);
    for (const name of listDir(paths.episodes)) {
      const inProgress = name.startsWith(`${String(state.episodes).padStart(6, '0')}-`);
      if (listed.has(name) || inProgress || dropped.includes(name)) continue;
      note(join(paths.episodes, name), 'not written by this run (no checkpoint lists it)', () =>
        setAside(join(paths.episodes, name)),
      );
    }
  }

  // The metrics log: valid rows up to the checkpoint are kept, the rest set aside.
  if (existsSync(paths.metrics)) {
    const { kept, bad } = metricsUpTo(paths.metrics, state?.envSteps ?? -1);
    if (bad.length > 0) {
      note(
        paths.metrics,
        `unreadable line(s) ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''}`,
        () => {
          const copy = join(quarantine, 'metrics.jsonl');
          mkdirSync(quarantine, { recursive: true });
          copyFileSync(paths.metrics, copy);
          moved = true;
          writeFileAtomic(paths.metrics, kept.map((line) => `${line}\n`).join(''));
          return `kept its ${kept.length} valid rows up to the checkpoint; the original is in ${relative(out, copy)}`;
        },
      );
    }
  }

  // Temporary files do not stop a run (its next start removes them); anything else does
  // until repaired.
  const blocking = problems.filter(
    (p) =>
      !p.problem.startsWith('temporary') &&
      (p.repaired === null || p.repaired.startsWith('not repairable')),
  );
  return {
    problems,
    quarantine: moved ? quarantine : null,
    resumable: state !== null && blocking.length === 0,
  };
}

/** Why the checkpoint in `dir` cannot be loaded, or null. */
async function checkpointDamage(dir: string): Promise<string | null> {
  try {
    readLoopState(dir);
    const agent = join(dir, 'agent');
    for (const name of listDir(agent, true)) {
      const path = join(agent, name);
      if (name.endsWith('.json')) readJsonFile(path);
      if (name.endsWith('manifest.json')) await readCheckpointFiles(dirname(path));
    }
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Why the episode file at `path` cannot be read, or null. */
function episodeProblem(path: string): string | null {
  if (!existsSync(path)) return 'listed in the checkpoint but missing';
  try {
    readEpisode(path);
    return null;
  } catch (error) {
    return (error as Error).message.replace(`${path}: `, '');
  }
}

/** The valid JSON lines of a metrics log with step <= `step`, and the numbers of bad lines. */
function metricsUpTo(path: string, step: number): { kept: string[]; bad: number[] } {
  const kept: string[] = [];
  const bad: number[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const row = JSON.parse(line);
        if (typeof row?.step !== 'number') throw new Error('no step');
        if (row.step <= step) kept.push(line);
      } catch {
        bad.push(i + 1);
      }
    });
  return { kept, bad };
}

function listDir(dir: string, recursive = false): string[] {
  try {
    return (readdirSync(dir, { recursive }) as string[]).sort();
  } catch {
    return [];
  }
}
