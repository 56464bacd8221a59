import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MetricsRow, readMetrics } from '@vmbrl/metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunConfig, runOnline } from '../registry.js';
import type { OnlineProgress } from './progress.js';
import { episodeFileName, readLoopState } from './run-dir.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-resume-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// Five episodes: two random, three planned, evaluations after 2 and 4, and the final one after 5.
const config = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 3, { maxEpisodes: 5 });

/** Rows without wall-clock fields (timings differ between runs; everything else must not). */
function rowsOf(out: string): MetricsRow[] {
  return readMetrics(join(out, 'metrics.jsonl')).rows.map((row) => {
    const { updatesPerSecond: _u, planSecondsPerStep: _p, ...rest } = row;
    return rest as MetricsRow;
  });
}

function summary(out: string) {
  const state = readLoopState(join(out, 'checkpoint'));
  return {
    episodes: state.episodes,
    envSteps: state.envSteps,
    updates: state.updates,
    evaluations: state.evaluations,
    replay: state.replayFiles,
    files: readdirSync(join(out, 'episodes')).sort(),
  };
}

let reference: { rows: MetricsRow[]; summary: ReturnType<typeof summary> } | undefined;
async function uninterrupted() {
  if (!reference) {
    const out = tempDir();
    await runOnline({ config, out, backend: 'cpu' });
    reference = { rows: rowsOf(out), summary: summary(out) };
  }
  return reference;
}

describe('kill and resume', () => {
  it('an interrupt mid-iteration keeps the last checkpoint; resuming continues exactly', async () => {
    const expected = await uninterrupted();
    expect(expected.summary).toMatchObject({ episodes: 5, updates: 6, evaluations: 3 });
    const out = tempDir();
    const controller = new AbortController();
    const first = await runOnline({
      config,
      out,
      backend: 'cpu',
      signal: controller.signal,
      // Stop in the middle of the fourth episode's updates.
      onProgress: (p: OnlineProgress) => {
        if (p.phase === 'train' && p.episodes === 3 && p.updates === 3) controller.abort();
      },
    });
    expect(first.stoppedBy).toBe('signal');
    expect(summary(out)).toMatchObject({ episodes: 3, updates: 2, evaluations: 1 });
    expect(rowsOf(out)).toEqual(expected.rows.filter((r) => r.step <= 3 * 80));

    const second = await runOnline({ config, out, backend: 'cpu' });
    expect(second.resumed).toBe(true);
    expect(second.stoppedBy).toBe('budget');
    // Same returns, losses and counters as the run that was never interrupted (cpu backend).
    expect(rowsOf(out)).toEqual(expected.rows);
    expect(summary(out)).toEqual(expected.summary);
  });

  it('after SIGKILL the next run drops what followed the last checkpoint', async () => {
    const expected = await uninterrupted();
    const out = tempDir();
    const script = fileURLToPath(new URL('../../fixtures/run-online.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, JSON.stringify(config), out], {
      stdio: 'ignore',
    });
    const exited = new Promise((done) => child.on('exit', done));
    const state = join(out, 'checkpoint', 'state.json');
    // Kill as soon as the third checkpoint is there.
    while (!existsSync(state) || readLoopState(join(out, 'checkpoint')).episodes < 3) {
      if (child.exitCode !== null) throw new Error('the child run ended before it was killed');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const killedAt = summary(out).episodes;
    expect(killedAt).toBeGreaterThanOrEqual(3);
    // The dead child's lock is still there; the next start takes it over (its pid is dead).
    expect(JSON.parse(readFileSync(join(out, 'run.lock'), 'utf8')).pid).toBe(child.pid);
    // What a kill between an episode and its checkpoint leaves behind: the next episode's file
    // (possibly partial), its metrics rows, a half-written checkpoint and temporary file.
    appendFileSync(join(out, 'metrics.jsonl'), `{"step":99999,"kind":"episode","return":1}\n{"st`);
    writeFileSync(join(out, 'episodes', episodeFileName(killedAt, 11)), 'partial');
    mkdirSync(join(out, 'checkpoint.next'), { recursive: true });
    const orphan = `.open-loop.gif.tmp-${child.pid}-7-0123abcd`;
    mkdirSync(join(out, 'videos'), { recursive: true });
    writeFileSync(join(out, 'videos', orphan), 'partial gif');

    const resumed = await runOnline({ config, out, backend: 'cpu' });
    expect(resumed.resumed).toBe(true);
    expect(rowsOf(out)).toEqual(expected.rows);
    expect(summary(out)).toEqual(expected.summary);
    expect(existsSync(join(out, 'checkpoint.next'))).toBe(false);
    expect(existsSync(join(out, 'videos', orphan))).toBe(false);
    expect(existsSync(join(out, 'run.lock'))).toBe(false); // released at the end
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8').endsWith('\n')).toBe(true);
  });
});
