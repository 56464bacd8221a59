import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@vmbrl/core';
import { describe, expect, it } from 'vitest';
import { DatasetUsageError } from './dataset-errors';
import { LOCK_FILE } from './dataset-lock';
import { MANIFEST_FILE, readDatasetManifest } from './dataset-manifest';
import { randomSplit } from './dataset-split';
import { verifyDataset } from './dataset-verify';
import { DatasetWriter } from './dataset-writer';
import { EpisodeFileError, readEpisode, writeEpisode } from './npz';
import { CARTPOLE, taggedReturn } from './testing/datasets';
import { taggedEpisode } from './testing/tagged-episode';
import { temporaryDirectories } from './testing/temp';

const tmp = temporaryDirectories('writer');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const DIST = join(__dirname, '..', 'dist', 'index.js');

describe('DatasetWriter', () => {
  it('writes episodes and a manifest with sources, sha256, lengths and returns', () => {
    const dir = join(tmp(), 'data');
    const writer = DatasetWriter.open(dir, CARTPOLE);
    writer.append(taggedEpisode(1, 6), { source: 'random' });
    writer.append(taggedEpisode(2, 9), { source: 'oracle' });
    writer.append(taggedEpisode(3, 7), { source: 'random' });
    writer.close();
    const manifest = readDatasetManifest(dir);
    expect(manifest).toMatchObject({
      format: 'vmbrl-dataset/1',
      task: 'cartpole-swingup',
      actionRepeat: 8,
      spec: { actionDim: 2, imageShape: [64, 64, 3] },
      sources: { oracle: { episodes: 1, steps: 9 }, random: { episodes: 2, steps: 13 } },
      nextIndex: 3,
    });
    expect(manifest.episodes.map((e) => [e.file, e.source, e.length, e.return])).toEqual([
      ['random-000000-6.npz', 'random', 6, taggedReturn(1, 6)],
      ['oracle-000001-9.npz', 'oracle', 9, taggedReturn(2, 9)],
      ['random-000002-7.npz', 'random', 7, taggedReturn(3, 7)],
    ]);
    for (const e of manifest.episodes) {
      expect(e.sha256).toBe(sha256(join(dir, e.file)));
      expect(e.bytes).toBe(readFileSync(join(dir, e.file)).length);
    }
    expect(Array.from(readEpisode(join(dir, 'oracle-000001-9.npz')).reward)).toEqual(
      Array.from(taggedEpisode(2, 9).reward),
    );
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('resumes: a reopened writer counts from the manifest and says what each source owes', () => {
    const dir = tmp();
    const first = DatasetWriter.open(dir, CARTPOLE);
    first.append(taggedEpisode(0, 5), { source: 'random' });
    first.append(taggedEpisode(1, 5), { source: 'random' });
    first.close();
    const again = DatasetWriter.open(dir, CARTPOLE);
    expect(again.count('random')).toBe(2);
    expect(again.remaining({ random: 5, oracle: 3, planet: 0 })).toEqual({
      random: 3,
      oracle: 3,
      planet: 0,
    });
    expect(again.append(taggedEpisode(2, 5), { source: 'oracle' }).file).toBe(
      'oracle-000002-5.npz',
    );
    expect(again.remaining({ random: 1, oracle: 3 })).toEqual({ random: 0, oracle: 2 });
    again.close();
  });

  it('refuses another task or action repeat, naming both', () => {
    const dir = tmp();
    DatasetWriter.open(dir, CARTPOLE).close();
    expect(() => DatasetWriter.open(dir, { task: 'reacher-easy', actionRepeat: 8 })).toThrow(
      `${dir}: holds task cartpole-swingup, the writer was opened for task reacher-easy`,
    );
    expect(() => DatasetWriter.open(dir, { task: 'cartpole-swingup', actionRepeat: 4 })).toThrow(
      DatasetUsageError,
    );
    expect(() => DatasetWriter.open(dir, { task: 'cartpole-swingup', actionRepeat: 4 })).toThrow(
      'holds actionRepeat 8, the writer was opened for actionRepeat 4',
    );
  });

  it('refuses bad sources, other shapes, a split dataset and a folder of loose episodes', () => {
    const dir = tmp();
    const writer = DatasetWriter.open(dir, CARTPOLE);
    expect(() => writer.append(taggedEpisode(0, 4), { source: 'runs/x' })).toThrow(ValidationError);
    expect(() => writer.append(taggedEpisode(0, 4), { source: '' })).toThrow(/source = ""/);
    writer.append(taggedEpisode(0, 4), { source: 'random' });
    expect(() => writer.append(taggedEpisode(0, 4, { state: true }), { source: 'random' })).toThrow(
      'episode has state dim 2, expected none',
    );
    writer.append(taggedEpisode(1, 4), { source: 'random' });
    writer.close();
    randomSplit(dir, { seed: 0, testFraction: 0.5 });
    const split = DatasetWriter.open(dir, CARTPOLE);
    expect(() => split.append(taggedEpisode(2, 4), { source: 'random' })).toThrow(/is split/);
    split.close();

    const loose = tmp();
    writeEpisode(join(loose, 'a.npz'), taggedEpisode(0, 3));
    expect(() => DatasetWriter.open(loose, CARTPOLE)).toThrow(
      `${loose}: holds .npz files but no ${MANIFEST_FILE}`,
    );
  });

  it('encodes deterministically: appendNew skips an episode it already holds', () => {
    const dir = tmp();
    const writer = DatasetWriter.open(dir, CARTPOLE);
    const a = writer.appendNew(taggedEpisode(4, 6), { source: 'random' });
    expect(a).toBeDefined();
    expect(writer.appendNew(taggedEpisode(4, 6), { source: 'oracle' })).toBeUndefined();
    const b = writer.append(taggedEpisode(4, 6), { source: 'oracle' }); // append always writes
    expect(b.sha256).toBe(a!.sha256);
    expect(writer.count()).toBe(2);
    writer.close();
  });

  it('one writer at a time; the lock of a dead process is taken over', () => {
    const dir = tmp();
    const writer = DatasetWriter.open(dir, CARTPOLE);
    expect(() => DatasetWriter.open(dir, CARTPOLE)).toThrow(
      new RegExp(`is being written by pid ${process.pid} on .* \\(DatasetWriter, since`),
    );
    writer.close();
    // A real process takes the lock and is killed with SIGKILL: its lock stays behind.
    const killed = spawnSync(process.execPath, [
      '-e',
      `import(${JSON.stringify(DIST)}).then((m) => { m.DatasetLock.acquire(${JSON.stringify(dir)}, 'collector'); process.kill(process.pid, 'SIGKILL'); })`,
    ]);
    expect(killed.signal).toBe('SIGKILL');
    const stale = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(stale).toMatchObject({ pid: killed.pid, host: hostname(), purpose: 'collector' });
    DatasetWriter.open(dir, CARTPOLE).close();
  });

  it('after a kill between the episode and the manifest: the complete file is adopted', () => {
    const dir = tmp();
    const writer = DatasetWriter.open(dir, CARTPOLE);
    writer.append(taggedEpisode(0, 5), { source: 'random' });
    const before = readFileSync(join(dir, MANIFEST_FILE));
    writer.append(taggedEpisode(1, 6), { source: 'oracle' });
    writer.close();
    // The state a kill leaves in that window: the new file is there, the manifest is the old one;
    // plus a temporary file of an interrupted atomic write.
    writeFileSync(join(dir, MANIFEST_FILE), before);
    writeFileSync(join(dir, '.random-000002-7.npz.tmp-123-4-abcdef01'), 'partial');
    const adopted: string[] = [];
    const again = DatasetWriter.open(dir, CARTPOLE, { onAdopt: (f) => adopted.push(f) });
    expect(adopted).toEqual(['oracle-000001-6.npz']);
    expect(again.count('oracle')).toBe(1);
    expect(again.append(taggedEpisode(2, 4), { source: 'random' }).file).toBe(
      'random-000002-4.npz',
    );
    again.close();
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    const manifest = readDatasetManifest(dir);
    expect(manifest.episodes[1]).toMatchObject({
      file: 'oracle-000001-6.npz',
      return: taggedReturn(1, 6),
    });
    expect(verifyDataset(dir).problems).toEqual([]);
  });

  it('refuses a foreign unlisted file and a listed file that is missing, by name', () => {
    const dir = tmp();
    const writer = DatasetWriter.open(dir, CARTPOLE);
    writer.append(taggedEpisode(0, 5), { source: 'random' });
    writer.close();
    writeEpisode(join(dir, 'stray.npz'), taggedEpisode(1, 5));
    expect(() => DatasetWriter.open(dir, CARTPOLE)).toThrow(EpisodeFileError);
    expect(() => DatasetWriter.open(dir, CARTPOLE)).toThrow(
      `${join(dir, 'stray.npz')}: is not listed in ${MANIFEST_FILE}`,
    );
    rmSync(join(dir, 'stray.npz'));
    rmSync(join(dir, 'random-000000-5.npz'));
    expect(() => DatasetWriter.open(dir, CARTPOLE)).toThrow(
      `${join(dir, 'random-000000-5.npz')}: is listed in ${MANIFEST_FILE} but missing`,
    );
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false); // released on failure
  });

  it.skipIf(!existsSync(DIST))(
    'a writer killed with SIGKILL at random moments leaves a dataset that verifies and resumes',
    async () => {
      const dir = tmp();
      // A child process appends episodes until it is killed; it reports each append.
      const script = `
        import { DatasetWriter, makeEpisode } from ${JSON.stringify(DIST)};
        const writer = DatasetWriter.open(process.argv[1], { task: 'cartpole-swingup', actionRepeat: 8 });
        for (let i = 0; ; i++) {
          const T = 10 + (i % 7);
          const episode = makeEpisode({
            image: new Uint8Array(T * 64 * 64 * 3).fill(i % 256),
            action: new Float32Array(T), reward: Float32Array.from({ length: T }, (_, t) => t),
            discount: new Float32Array(T).fill(1),
          });
          writer.append(episode, { source: i % 2 ? 'oracle' : 'random' });
          process.stdout.write('.');
        }`;
      let total = 0;
      for (let round = 0; round < 3; round++) {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir]);
        let appended = 0;
        await new Promise<void>((resolve) => {
          child.stdout.on('data', (chunk: Buffer) => {
            appended += chunk.length;
            // Kill after a few appends, at a moment that varies with the timing of the write.
            if (appended >= 3 + round) child.kill('SIGKILL');
          });
          child.on('exit', () => resolve());
        });
        const writer = DatasetWriter.open(dir, CARTPOLE); // takes over the dead writer's lock
        expect(writer.count()).toBeGreaterThanOrEqual(total + 3 + round);
        expect(writer.count()).toBeLessThanOrEqual(total + appended + 1);
        total = writer.count();
        writer.close();
        expect(verifyDataset(dir)).toMatchObject({ ok: total, problems: [] });
      }
      const manifest = readDatasetManifest(dir);
      expect(manifest.nextIndex).toBe(total);
      expect(manifest.sources.random.episodes + manifest.sources.oracle.episodes).toBe(total);
    },
  );

  it.skipIf(!existsSync(DIST))(
    'two processes opening one dataset at the same moment: one writes, the other is told who',
    async () => {
      const dir = tmp();
      const startAt = Date.now() + 1500;
      // Each child spins until startAt, opens, appends one episode, holds the lock a while.
      const script = `
        import { DatasetWriter, makeEpisode } from ${JSON.stringify(DIST)};
        while (Date.now() < ${startAt}) {}
        try {
          const writer = DatasetWriter.open(process.argv[1], { task: 'cartpole-swingup', actionRepeat: 8 });
          writer.append(makeEpisode({
            image: new Uint8Array(10 * 64 * 64 * 3), action: new Float32Array(10),
            reward: new Float32Array(10), discount: new Float32Array(10).fill(1),
          }), { source: 'random' });
          setTimeout(() => { writer.close(); console.log('wrote'); }, 1000);
        } catch (error) { console.log(error.message); }`;
      const run = () =>
        new Promise<{ pid: number; out: string }>((resolve) => {
          const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir]);
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk;
          });
          child.on('exit', () => resolve({ pid: child.pid as number, out: out.trim() }));
        });
      const results = await Promise.all([run(), run()]);
      const winner = results.find((r) => r.out === 'wrote');
      const loser = results.find((r) => r !== winner);
      expect(winner).toBeDefined();
      expect(loser?.out).toMatch(
        new RegExp(
          `^${dir} is being written by pid ${winner?.pid} on ${hostname()} \\(DatasetWriter, since`,
        ),
      );
      expect(readDatasetManifest(dir).nextIndex).toBe(1);
      expect(verifyDataset(dir)).toMatchObject({ ok: 1, problems: [] });
    },
  );
});
