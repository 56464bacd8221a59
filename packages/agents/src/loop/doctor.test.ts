import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMetrics } from '@vmbrl/metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunConfig, runOnline } from '../registry.js';
import { doctorRun } from './doctor.js';
import { episodeFileName, readLoopState } from './run-dir.js';

// Real runs (debug preset, cpu backend) damaged the way a disk or a kill damages them.
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-doctor-'));
  dirs.push(dir);
  return dir;
}

const config = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 7, { maxEpisodes: 3 });

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out[name] = readFileSync(path).toString('hex');
  }
  return out;
}

async function errorOf(work: () => Promise<unknown>): Promise<Error> {
  try {
    await work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('vmbrl-online doctor', () => {
  it('a healthy run has no problems', async () => {
    const out = tempDir();
    await runOnline({ config, out, backend: 'cpu' });
    expect(await doctorRun(out)).toEqual({ problems: [], quarantine: null, resumable: true });
  });

  it('a damaged episode and metrics line: listed, then set aside so the run resumes', async () => {
    const out = tempDir();
    await runOnline({ config, out, backend: 'cpu' });
    const episode = join(out, 'episodes', episodeFileName(1, 11));
    const original = readFileSync(episode);
    writeFileSync(episode, original.subarray(0, 100)); // truncated by a disk error
    const metrics = join(out, 'metrics.jsonl');
    const lines = readFileSync(metrics, 'utf8').split('\n');
    lines[1] = '{"step": 80, "kind": "epis'; // a damaged line in the middle
    writeFileSync(metrics, lines.join('\n'));
    // Resuming fails, naming the file and the way out.
    const more = { ...config, maxEpisodes: 4 };
    const stuck = await errorOf(() => runOnline({ config: more, out, backend: 'cpu' }));
    expect(stuck.message).toContain(`${metrics}:2`);
    expect(stuck.message).toContain(`\`vmbrl-online doctor ${out}\` lists the run's problems`);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const orphan = `.open-loop.gif.tmp-${dead}-3-deadbeef`;
    writeFileSync(join(out, 'videos', orphan), 'partial');
    const damaged = snapshot(out);

    const report = await doctorRun(out);
    expect(report.problems.map((p) => [p.path, p.repaired])).toEqual([
      [join('videos', orphan), null],
      [join('episodes', episodeFileName(1, 11)), null],
      ['metrics.jsonl', null],
    ]);
    expect(report.problems[1]?.problem).toContain('not a zip archive');
    expect(report.problems[2]?.problem).toBe('unreadable line(s) 2');
    expect(report.resumable).toBe(false);
    expect(snapshot(out)).toEqual(damaged); // only looked

    const repaired = await doctorRun(out, { repair: true });
    expect(repaired.resumable).toBe(true);
    const quarantine = repaired.quarantine as string;
    // Nothing deleted: the damaged files are in the quarantine, byte for byte.
    expect(readFileSync(join(quarantine, 'episodes', episodeFileName(1, 11)))).toEqual(
      original.subarray(0, 100),
    );
    expect(readFileSync(join(quarantine, 'metrics.jsonl'), 'utf8')).toBe(lines.join('\n'));
    expect(existsSync(join(out, 'videos', orphan))).toBe(false);
    const state = readLoopState(join(out, 'checkpoint'));
    expect(state.replayFiles).toEqual([episodeFileName(0, 11), episodeFileName(2, 11)]);
    // The log keeps every valid row (all are at or before the checkpoint's 240 env steps).
    const kept = readMetrics(metrics).rows;
    expect(kept).toHaveLength(lines.filter((l) => l.trim() !== '').length - 1);
    expect(await doctorRun(out)).toMatchObject({ problems: [], resumable: true });

    const resumed = await runOnline({ config: more, out, backend: 'cpu' });
    expect(resumed.resumed).toBe(true);
    expect(resumed.state.episodes).toBe(4);
    expect(resumed.state.replayFiles).toHaveLength(3);
  });

  it('a truncated checkpoint names its file; repair sets it aside and --restart starts over', async () => {
    const out = tempDir();
    await runOnline({ config, out, backend: 'cpu' });
    const model = join(out, 'checkpoint', 'agent', 'model');
    const data = readdirSync(model).find((name) => name.endsWith('.bin')) as string;
    const bytes = readFileSync(join(model, data));
    writeFileSync(join(model, data), bytes.subarray(0, bytes.length - 8));

    const stuck = await errorOf(() =>
      runOnline({ config: { ...config, maxEpisodes: 4 }, out, backend: 'cpu' }),
    );
    expect(stuck.message).toContain(`Checkpoint data file ${join(model, data)} is truncated`);
    expect(stuck.message).toContain('--repair sets damaged files aside');

    const report = await doctorRun(out);
    expect(report.problems).toEqual([
      {
        path: 'checkpoint',
        problem: `Checkpoint data file ${join(model, data)} is truncated or corrupt: ${bytes.length - 8} bytes, manifest says ${bytes.length}`,
        repaired: null,
      },
    ]);
    expect(report.resumable).toBe(false);
    const repaired = await doctorRun(out, { repair: true });
    expect(repaired.problems[0]?.repaired).toMatch(
      /^moved to quarantine-.*\/checkpoint; --restart starts over$/,
    );
    expect(repaired.resumable).toBe(false);
    const refused = await errorOf(() => runOnline({ config, out, backend: 'cpu' }));
    expect(refused.message).toContain('holds a run whose checkpoint is gone');
    const restarted = await runOnline({ config, out, backend: 'cpu', restart: true });
    expect(restarted.state.episodes).toBe(3);
  });
});
