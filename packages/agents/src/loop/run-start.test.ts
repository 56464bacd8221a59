import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMetrics } from '@vmbrl/metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateRun, resolveRunConfig, runOnline } from '../registry.js';
import { episodeFileName, readLoopState } from './run-dir.js';
import { RunDirectoryError } from './run-start.js';

// Real runs (debug preset, cpu backend) in real directories; the races use real processes.
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-run-start-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Two random seed episodes only: the quickest complete run. */
const seedOnly = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 5, { maxEpisodes: 2 });
/** Two seed episodes and two planned ones, evaluations after 2 and 4. */
const fourEpisodes = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 5, { maxEpisodes: 4 });

/** Every file under `dir` with its bytes (as hex), to show nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out[name] = readFileSync(path).toString('hex');
  }
  return out;
}

/** The message of the error `work` throws (failing when it throws none). */
async function errorOf(work: () => Promise<unknown>): Promise<Error> {
  try {
    await work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

const script = fileURLToPath(new URL('../../fixtures/run-online.mjs', import.meta.url));

/** A training run in a child process; resolves with its exit code and output. */
function startRun(config: object, out: string) {
  const child: ChildProcess = spawn(process.execPath, [script, JSON.stringify(config), out]);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
    child.on('exit', (code) => done({ code, stdout, stderr })),
  );
  return { child, exit };
}

describe('a run directory holding files the run did not write', () => {
  it('is refused with the files named and nothing changed; --force moves them aside, intact', async () => {
    const out = tempDir();
    mkdirSync(join(out, 'episodes'));
    writeFileSync(join(out, 'notes.txt'), 'my notes');
    writeFileSync(join(out, 'episodes', 'other-project.npz'), 'not ours');
    const before = snapshot(out);
    const error = await errorOf(() => runOnline({ config: seedOnly, out, backend: 'cpu' }));
    expect(error).toBeInstanceOf(RunDirectoryError);
    expect(error.message).toBe(
      `${out} holds files this run did not write: episodes, notes.txt. Nothing was changed; move them away, use another --out, or pass --force to move them into ${join(out, 'foreign-<time>')}/ (never deleted)`,
    );
    expect(snapshot(out)).toEqual(before); // the lock is gone again too

    const lines: string[] = [];
    const run = await runOnline({
      config: seedOnly,
      out,
      backend: 'cpu',
      force: true,
      log: (line) => lines.push(line),
    });
    expect(run.state.episodes).toBe(2);
    const aside = readdirSync(out).filter((name) => name.startsWith('foreign-'));
    expect(aside).toHaveLength(1);
    expect(lines[0]).toBe(
      `--force: moved 2 file(s) this run did not write into ${join(out, aside[0] as string)}: episodes, notes.txt`,
    );
    const moved = snapshot(join(out, aside[0] as string));
    expect(moved).toEqual(before);
  });

  it('in an existing run, an episode file its checkpoint does not explain is refused', async () => {
    const out = tempDir();
    await runOnline({ config: seedOnly, out, backend: 'cpu' });
    const stranger = join(out, 'episodes', episodeFileName(42, 3));
    writeFileSync(stranger, 'someone else');
    const more = { ...seedOnly, maxEpisodes: 3 };
    const error = await errorOf(() => runOnline({ config: more, out, backend: 'cpu' }));
    expect(error.message).toContain(
      `${out} holds files this run did not write: ${join('episodes', episodeFileName(42, 3))}.`,
    );
    expect(readFileSync(stranger, 'utf8')).toBe('someone else');
    // The episode being written when a run stopped (index = the checkpoint's episodes) is the
    // run's own: it is collected again, not refused.
    rmSync(stranger);
    writeFileSync(join(out, 'episodes', episodeFileName(2, 11)), 'partial');
    const resumed = await runOnline({ config: more, out, backend: 'cpu' });
    expect(resumed.resumed).toBe(true);
    expect(resumed.state.replayFiles).toEqual([0, 1, 2].map((i) => episodeFileName(i, 11)));
  });
});

describe('a run whose checkpoint is gone', () => {
  it('is refused with nothing changed; --restart starts over and keeps the old files', async () => {
    const out = tempDir();
    await runOnline({ config: seedOnly, out, backend: 'cpu' });
    const rows = readMetrics(join(out, 'metrics.jsonl')).rows.length;
    rmSync(join(out, 'checkpoint'), { recursive: true });
    const before = snapshot(out);
    const error = await errorOf(() => runOnline({ config: seedOnly, out, backend: 'cpu' }));
    expect(error).toBeInstanceOf(RunDirectoryError);
    expect(error.message).toContain(
      `${out} holds a run whose checkpoint is gone (${join(out, 'run-state.json')} records a checkpoint at episode 2, 160 env steps)`,
    );
    expect(error.message).toContain('pass --restart');
    expect(snapshot(out)).toEqual(before);
    // A run of an older version has no run-state.json: its episode files tell instead.
    rmSync(join(out, 'run-state.json'));
    const legacy = await errorOf(() => runOnline({ config: seedOnly, out, backend: 'cpu' }));
    expect(legacy.message).toContain(
      `holds a run whose checkpoint is gone (2 episode files in ${join(out, 'episodes')})`,
    );

    const kept = snapshot(out);
    const restarted = await runOnline({ config: seedOnly, out, backend: 'cpu', restart: true });
    expect(restarted.resumed).toBe(false);
    expect(restarted.state.episodes).toBe(2);
    const previous = readdirSync(out).filter((name) => name.startsWith('previous-'));
    expect(previous).toHaveLength(1);
    expect(snapshot(join(out, previous[0] as string))).toEqual(kept);
    // The same seed again: the fresh run logs what the first one logged.
    expect(readMetrics(join(out, 'metrics.jsonl')).rows).toHaveLength(rows);
  });
});

describe('two processes, one run directory', () => {
  it('racing: one trains, the other is refused naming the holder; the rows are a lone run', async () => {
    const lone = tempDir();
    await runOnline({ config: fourEpisodes, out: lone, backend: 'cpu' });
    const out = tempDir();
    const a = startRun(fourEpisodes, out);
    const b = startRun(fourEpisodes, out);
    const results = await Promise.all([a.exit, b.exit]);
    const winner = results.findIndex((r) => r.code === 0);
    const loser = results[1 - winner];
    expect(winner).toBeGreaterThanOrEqual(0);
    expect(loser?.code).toBe(1);
    const winnerPid = [a, b][winner]?.child.pid;
    expect(loser?.stderr).toContain(
      `RunDirectoryError: ${out} is in use: held by pid ${winnerPid} (training run) on host ${hostname()}`,
    );
    expect(loser?.stderr).toContain(`wait for pid ${winnerPid} to finish or stop it`);
    const timeless = (dir: string) =>
      readMetrics(join(dir, 'metrics.jsonl')).rows.map(
        ({ updatesPerSecond: _u, planSecondsPerStep: _p, ...row }) => row,
      );
    expect(timeless(out)).toEqual(timeless(lone));
    expect(readLoopState(join(out, 'checkpoint')).episodes).toBe(4);
  });

  it('evaluate reads a live run without touching it; the trainer finishes unharmed', async () => {
    const lone = tempDir();
    const six = { ...fourEpisodes, maxEpisodes: 6 };
    await runOnline({ config: six, out: lone, backend: 'cpu' });
    const out = tempDir();
    const trainer = startRun(six, out);
    let finished = false;
    void trainer.exit.then(() => {
      finished = true;
    });
    const seen = new Set<number>();
    let evaluations = 0;
    while (!finished) {
      if (!existsSync(join(out, 'checkpoint', 'state.json'))) {
        await new Promise((done) => setTimeout(done, 50));
        continue;
      }
      const result = await evaluateRun({ out, episodes: 1, policy: 'agent', backend: 'cpu' });
      expect(result.path).toBeNull();
      seen.add(result.checkpoint?.episodes ?? -1);
      evaluations += 1;
    }
    const { code, stderr } = await trainer.exit;
    expect(code, stderr).toBe(0);
    expect(evaluations).toBeGreaterThanOrEqual(2);
    expect(seen.size).toBeGreaterThanOrEqual(2); // it read several checkpoints as they landed
    expect(readdirSync(out).filter((name) => name.startsWith('evaluation'))).toEqual([]);
    const timeless = (dir: string) =>
      readMetrics(join(dir, 'metrics.jsonl')).rows.map(
        ({ updatesPerSecond: _u, planSecondsPerStep: _p, ...row }) => row,
      );
    expect(timeless(out)).toEqual(timeless(lone));
  });
});

describe('start-up checks', () => {
  it('a run directory that cannot be created is named with the reason', async () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'file'), 'x');
    const out = join(parent, 'file', 'run');
    const error = await errorOf(() => runOnline({ config: seedOnly, out, backend: 'cpu' }));
    expect(error.message).toBe(`cannot use ${out} as a run directory: a file is in the way`);
  });

  it('a temporary file of a live writer is kept, one of a dead writer removed', async () => {
    const out = tempDir();
    await runOnline({ config: seedOnly, out, backend: 'cpu' });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const orphan = `.metrics.jsonl.tmp-${dead}-0-00ff00ff`;
    const live = `.metrics.jsonl.tmp-${process.pid}-0-00ff00ff`;
    writeFileSync(join(out, orphan), 'partial');
    writeFileSync(join(out, live), 'in progress');
    const lines: string[] = [];
    await runOnline({
      config: { ...seedOnly, maxEpisodes: 3 },
      out,
      backend: 'cpu',
      log: (line) => lines.push(line),
    });
    expect(lines[0]).toBe(`removed 1 temporary file(s) of a killed writer: ${orphan}`);
    expect(existsSync(join(out, orphan))).toBe(false);
    expect(existsSync(join(out, live))).toBe(true);
  });
});
