import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEpisode } from '@vmbrl/replay';
import { afterAll, describe, expect, it } from 'vitest';
import { readReplayEpisodes, removeUnlistedEpisodes, runPaths, saveEpisode } from './run-dir.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A run directory with episodes 0-2 saved, each tagged by its index in its first reward. */
function runWithEpisodes(): { out: string; names: string[] } {
  const out = mkdtempSync(join(tmpdir(), 'vmbrl-run-dir-'));
  dirs.push(out);
  mkdirSync(runPaths(out).episodes, { recursive: true });
  const names = [0, 1, 2].map((i) =>
    saveEpisode(
      out,
      i,
      makeEpisode({
        state: Float32Array.from({ length: 4 * 2 }, (_, k) => i + k),
        action: new Float32Array(4),
        reward: Float32Array.of(i, 1, 2, 3),
        discount: Float32Array.of(1, 1, 1, 1),
      }),
    ),
  );
  return { out, names };
}

describe('replay episodes of a checkpoint', () => {
  it('reads the listed episodes in the listed order and removes nothing', () => {
    const { out, names } = runWithEpisodes();
    const episodes = readReplayEpisodes(out, [names[2], names[0]]);
    expect(episodes.map((e) => e.reward[0])).toEqual([2, 0]);
    expect(readdirSync(runPaths(out).episodes).sort()).toEqual(names);
  });

  it('names a listed file that is missing', () => {
    const { out, names } = runWithEpisodes();
    rmSync(join(runPaths(out).episodes, names[1]));
    expect(() => readReplayEpisodes(out, names)).toThrow(
      `${join(runPaths(out).episodes, names[1])} is listed in the checkpoint's replay but missing`,
    );
  });

  it('the resume removes the episode files the checkpoint does not list, and only those', () => {
    const { out, names } = runWithEpisodes();
    const other = join(runPaths(out).episodes, 'notes.txt');
    writeFileSync(other, 'kept');
    removeUnlistedEpisodes(out, names.slice(0, 2));
    expect(readdirSync(runPaths(out).episodes).sort()).toEqual([...names.slice(0, 2), 'notes.txt']);
    removeUnlistedEpisodes(out, []);
    expect(readdirSync(runPaths(out).episodes)).toEqual(['notes.txt']);
  });
});
