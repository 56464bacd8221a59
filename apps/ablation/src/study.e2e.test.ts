/**
 * The done-when test of issue 18: a debug-scale study of 2 designs x 1 task x 2 seeds end to end
 * through the built command (plan, run with 2 jobs, one cell's program killed mid-run, run
 * again, report), checking that no cell ran twice and that the report's table cells equal values
 * recomputed here from the run directories' own files.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
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
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vmbrl-ablation-e2e-'));
const study = join(dir, 'e2e.yaml');
const runs = join(dir, 'runs');
writeFileSync(
  study,
  `name: e2e
preset: debug
designs: [LTLR, oracle]
tasks: [cartpole-swingup]
seeds: [0, 1]
settings:
  maxEpisodes: 4
  episodeSteps: 6
  evalEvery: 2
`,
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const cellDirs = () =>
  (existsSync(runs) ? readdirSync(runs) : []).filter((name) => /^c[0-9a-f]{16}$/.test(name));
const jsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

/** Program starts recorded in a cell's log (the engine writes one header line per start). */
const starts = (cell: string) =>
  readFileSync(join(runs, cell, 'cell.log'), 'utf8')
    .split('\n')
    .filter((line) => /^--- \S+ pid \d+ on /.test(line)).length;

function checkpointEpisodes(cell: string): number {
  try {
    return json(join(runs, cell, 'checkpoint', 'state.json')).episodes;
  } catch {
    return 0;
  }
}

function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const value = probe();
      if (value !== undefined) return resolve(value);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

describe('a debug study end to end', () => {
  it('plans, runs on 2 jobs, survives a killed cell, reruns nothing done, and reports what the runs hold', async () => {
    const started = Date.now();
    const plan = cli('plan', study, '--runs', runs);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toMatch(/cells 4: 0 done, 0 partial, 0 failed, 4 new/);

    // Run with 2 jobs; kill one LTLR cell's program once it has checkpointed an episode.
    const run = spawn(process.execPath, [CLI, 'run', study, '--runs', runs, '--jobs', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    run.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    run.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const runEnded = exited(run);
    const victim = await waitFor(() => {
      for (const cell of cellDirs()) {
        const config = (() => {
          try {
            return json(join(runs, cell, 'cell.json')).config.run;
          } catch {
            return undefined;
          }
        })();
        if (config?.design === 'LTLR' && checkpointEpisodes(cell) >= 2) return cell;
      }
      return undefined;
    }, 'an LTLR cell with a checkpoint');
    const lease = json(join(runs, victim, 'run.lock'));
    const program = (lease.pids as number[]).find((pid) => pid !== lease.pid);
    expect(program).toBeDefined();
    process.kill(program as number, 'SIGKILL');
    expect(await runEnded).toBe(1); // one cell failed; the others went on
    expect(output).toMatch(/cells 4: 3 run now, 0 already done, 1 failed/);
    const failed = json(join(runs, victim, 'cell-status.json'));
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/killed by SIGKILL/);
    expect(checkpointEpisodes(victim)).toBeLessThan(4);

    // What exists before the rerun must stay as it is.
    const others = cellDirs().filter((cell) => cell !== victim);
    const metricsBefore = new Map(
      others.map((cell) => [cell, readFileSync(join(runs, cell, 'metrics.jsonl'), 'utf8')]),
    );
    const firstEpisode = readdirSync(join(runs, victim, 'episodes')).sort()[0];
    const firstEpisodeTime = statSync(join(runs, victim, 'episodes', firstEpisode)).mtimeMs;

    const rerun = cli('run', study, '--runs', runs, '--jobs', '2');
    expect(rerun.status).toBe(0);
    expect(rerun.stdout).toMatch(/cells 4: 1 run now, 3 already done, 0 failed/);
    for (const cell of others) {
      expect(readFileSync(join(runs, cell, 'metrics.jsonl'), 'utf8')).toBe(metricsBefore.get(cell));
      expect(starts(cell)).toBe(1);
      expect(json(join(runs, cell, 'cell-status.json')).attempts).toBe(1);
    }
    // The killed cell resumed from its checkpoint: its first episode was not played again, and
    // its log has each episode once.
    expect(starts(victim)).toBe(2);
    expect(statSync(join(runs, victim, 'episodes', firstEpisode)).mtimeMs).toBe(firstEpisodeTime);
    const episodes = jsonl(join(runs, victim, 'metrics.jsonl'))
      .filter((row) => row.kind === 'episode')
      .map((row) => row.episode);
    expect(episodes).toEqual([1, 2, 3, 4]);

    const report = cli('report', study, '--runs', runs);
    expect(report.status).toBe(0);
    const out = join(runs, 'report');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Table 5');

    // Table 5 recomputed from metrics.jsonl: last eval return per seed, mean and sample std.
    const byDesign = new Map<string, number[]>();
    for (const cell of cellDirs()) {
      const { design: ran } = json(join(runs, cell, 'cell.json')).config.run;
      const evals = jsonl(join(runs, cell, 'metrics.jsonl')).filter((row) => row.kind === 'eval');
      const design = ran === 'LTLR' ? 'LTLR' : 'oracle';
      byDesign.set(design, [...(byDesign.get(design) ?? []), evals[evals.length - 1].return]);
    }
    const table5 = csv(join(out, 'table5-online.csv'));
    for (const [design, scores] of byDesign) {
      const row = table5.find((r) => r.design === design);
      const m = (scores[0] + scores[1]) / 2;
      const s = Math.sqrt((scores[0] - m) ** 2 + (scores[1] - m) ** 2); // n - 1 = 1
      expect(row?.['seeds done']).toBe('2/2');
      expect(Number(row?.mean)).toBeCloseTo(m, 2);
      expect(Number(row?.std)).toBeCloseTo(s, 2);
      expect(Number(row?.['paper mean'])).toBe(design === 'LTLR' ? 341 : 394); // cartpole-swingup
      expect(Number(row?.difference)).toBeCloseTo(m - Number(row?.['paper mean']), 1);
    }
    // Table 6: LTLR's parameters from the checkpoint's bytes (float32), the oracle has none.
    const table6 = csv(join(out, 'table6-cost.csv'));
    const planetCell = cellDirs().find(
      (cell) => json(join(runs, cell, 'cell.json')).config.run.design === 'LTLR',
    ) as string;
    const model = json(join(runs, planetCell, 'checkpoint', 'agent', 'model', 'manifest.json'));
    const floats = (model.tensors as { byteLength: number }[]).reduce(
      (sum, t) => sum + t.byteLength / 4,
      0,
    );
    expect(Number(table6.find((r) => r.design === 'LTLR')?.params)).toBe(floats);
    expect(table6.find((r) => r.design === 'oracle')?.params).toBe('');
    const elapsed = (Date.now() - started) / 1000;
    console.log(`end to end: ${elapsed.toFixed(1)} s`);
    expect(elapsed).toBeLessThan(90); // issue 18 asks for a minute; a loaded 2-core machine gets slack
  });
});

/** A CSV file without quoted commas, as rows keyed by column. */
function csv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
}
