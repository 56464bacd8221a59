/**
 * Every design of the study through the one run loop at its `debug` preset: it plays, trains,
 * evaluates and writes its report, and a run stopped mid-episode (by a signal, and for R by
 * SIGKILL) resumes from its last checkpoint to exactly the rows of a run never stopped.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MetricsRow, readMetrics } from '@vmbrl/metrics';
import { afterAll, describe, expect, it } from 'vitest';
import type { OnlineProgress } from '../loop/progress.js';
import { readLoopState } from '../loop/run-dir.js';
import { resolveRunConfig, runOnline } from '../registry.js';
import type { StudyAgentDesign } from './config.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-study-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// wasm with one thread gives the same numbers run after run; the SV2P designs are too slow
// on the pure-JavaScript backend for a unit test. Time limits allow for a loaded machine.
const BACKEND = 'wasm';

/**
 * debug cut to 3 episodes of 10 agent steps: 2 random seed episodes, an evaluation, 2 updates
 * and a planned episode (the Oracle: 3 planned episodes, each an evaluation).
 */
function configOf(design: StudyAgentDesign) {
  return resolveRunConfig('study', 'debug', 'cartpole-swingup', 5, {
    design,
    maxEpisodes: 3,
  } as never);
}

/** Rows without wall-clock fields (timings differ between runs; nothing else may). */
function rowsOf(out: string): MetricsRow[] {
  return readMetrics(join(out, 'metrics.jsonl')).rows.map((row) => {
    const { updatesPerSecond: _u, planSecondsPerStep: _p, ...rest } = row;
    return rest as MetricsRow;
  });
}

const PREDICTS_FRAMES: Record<StudyAgentDesign, boolean> = {
  R: false,
  LTLR: true,
  LTOR: true,
  OTOR: true,
  OTLR: true,
  Oracle: false,
};

describe('every study design through runOnline (debug)', () => {
  for (const design of ['R', 'LTLR', 'LTOR', 'OTOR', 'OTLR', 'Oracle'] as const) {
    it(`${design}: runs, writes its report, and resumes a stopped run exactly`, async () => {
      const config = configOf(design);
      const whole = tempDir();
      const result = await runOnline({ config, out: whole, backend: BACKEND });
      expect(result.stoppedBy).toBe('budget');
      const episodes = config.maxEpisodes as number;
      // 10 agent steps at action repeat 4 per episode.
      expect(result.state).toMatchObject({ episodes, envSteps: episodes * 40 });
      const rows = rowsOf(whole);
      const train = rows.filter((r) => r.kind === 'train');
      const evals = rows.filter((r) => r.kind === 'eval');
      expect(evals.length).toBeGreaterThan(0);
      if (design === 'Oracle') {
        expect(result.state.updates).toBe(0);
        expect(train).toHaveLength(0);
      } else {
        // Two updates before the planned episode.
        expect(result.state.updates).toBe(2);
        expect(train.map((r) => r.updates)).toEqual([2]);
        for (const row of train) expect(Number.isFinite(row.loss)).toBe(true);
        const last = evals.at(-1) as MetricsRow;
        expect(Number.isFinite(last.openLoopRewardMse)).toBe(true);
        expect(existsSync(join(whole, 'plots', 'open-loop-reward.svg'))).toBe(true);
        expect(existsSync(join(whole, 'videos', 'open-loop.gif'))).toBe(PREDICTS_FRAMES[design]);
        expect(Number.isFinite(last.openLoopMse)).toBe(PREDICTS_FRAMES[design]);
      }
      expect(existsSync(join(whole, 'report.html'))).toBe(true);

      // Stop in the middle of the last episode; the resumed run ends where the whole one did.
      const stopped = tempDir();
      const controller = new AbortController();
      const first = await runOnline({
        config,
        out: stopped,
        backend: BACKEND,
        signal: controller.signal,
        onProgress: (p: OnlineProgress) => {
          // Mid-way through the last training episode (not the evaluation before it).
          const last = p.phase !== 'eval' && p.episodes === episodes - 1;
          if (last && p.episodeStep === 5) controller.abort();
        },
      });
      expect(first.stoppedBy).toBe('signal');
      expect(readLoopState(join(stopped, 'checkpoint')).episodes).toBe(episodes - 1);
      const second = await runOnline({ config, out: stopped, backend: BACKEND });
      expect(second.resumed).toBe(true);
      expect(rowsOf(stopped)).toEqual(rows);
      expect(readdirSync(join(stopped, 'episodes')).sort()).toEqual(
        readdirSync(join(whole, 'episodes')).sort(),
      );
    }, 900_000);
  }

  it('R: after SIGKILL the next run continues exactly from the last checkpoint', async () => {
    const config = configOf('R');
    const whole = tempDir();
    await runOnline({ config, out: whole, backend: BACKEND });
    const out = tempDir();
    const here = dirname(fileURLToPath(import.meta.url));
    const script = `${out}-child.mjs`; // outside the run directory, which refuses foreign files
    // The child runs the built package (turbo builds it before the tests).
    writeFileSync(
      script,
      `import { runOnline } from ${JSON.stringify(join(here, '..', '..', 'dist', 'index.js'))};
await runOnline({ config: JSON.parse(process.argv[2]), out: process.argv[3], backend: '${BACKEND}' });`,
    );
    const child = spawn(process.execPath, [script, JSON.stringify(config), out], {
      stdio: 'ignore',
    });
    const exited = new Promise((done) => child.on('exit', done));
    const state = join(out, 'checkpoint', 'state.json');
    while (!existsSync(state) || readLoopState(join(out, 'checkpoint')).episodes < 3) {
      if (child.exitCode !== null) throw new Error('the child run ended before it was killed');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const resumed = await runOnline({ config, out, backend: BACKEND });
    expect(resumed.resumed).toBe(true);
    expect(rowsOf(out)).toEqual(rowsOf(whole));
  }, 600_000);
});
