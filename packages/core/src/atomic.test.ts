import { spawn, spawnSync } from 'node:child_process';
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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  makeDirectory,
  orphanTempFiles,
  tempFileWriter,
  tempPathBeside,
  writeFileAtomic,
} from './atomic.js';
import { FileError } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vmbrl-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes text and bytes, creating parent directories, and leaves no temporary file', () => {
    const text = join(dir, 'a', 'b', 'config.json');
    writeFileAtomic(text, '{"x":1}\n');
    expect(readFileSync(text, 'utf8')).toBe('{"x":1}\n');
    const bytes = join(dir, 'a', 'data.bin');
    writeFileAtomic(bytes, new Uint8Array([0, 255, 7]));
    expect(Array.from(readFileSync(bytes))).toEqual([0, 255, 7]);
    expect(readdirSync(join(dir, 'a')).sort()).toEqual(['b', 'data.bin']);
  });

  it('replaces an existing file whole, and keeps it when the write fails', () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, 'old');
    writeFileAtomic(path, 'new contents');
    expect(readFileSync(path, 'utf8')).toBe('new contents');
    // Writing over a directory fails at the rename: the temporary file is removed again.
    const target = join(dir, 'is-a-dir');
    writeFileAtomic(join(target, 'inner'), 'x');
    expect(() => writeFileAtomic(target, 'y')).toThrow();
    expect(readdirSync(dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('many writes to one path in a row (same process) never collide', () => {
    const path = join(dir, 'counter.txt');
    for (let i = 0; i < 50; i++) writeFileAtomic(path, String(i));
    expect(readFileSync(path, 'utf8')).toBe('49');
    expect(readdirSync(dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});

describe('orphanTempFiles', () => {
  // A real process creates a temporary file named for its pid, as writeFileAtomic would, and
  // either exits (killed mid-write: an orphan) or keeps running (a write in progress).
  const makeTempIn = (target: string) =>
    `const p = require('node:path'); require('node:fs').writeFileSync(p.join(${JSON.stringify(
      target,
    )}, '.open-loop.gif.tmp-' + process.pid + '-0-abcd1234'), 'partial')`;

  it('lists the temporary files of dead writers only, recursively, and none of a live one', async () => {
    const root = join(dir, 'orphans');
    mkdirSync(join(root, 'episodes'), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', makeTempIn(join(root, 'episodes'))]);
    expect(dead.status).toBe(0);
    const live = spawn(process.execPath, [
      '-e',
      `${makeTempIn(root)}; setInterval(() => {}, 1000)`,
    ]);
    try {
      const liveName = `.open-loop.gif.tmp-${live.pid}-0-abcd1234`;
      const deadline = Date.now() + 10_000;
      while (!readdirSync(root).includes(liveName) && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 20));
      }
      expect(readdirSync(root)).toContain(liveName);
      // This process's own temporary file is a write in progress too.
      writeFileSync(tempPathBeside(join(root, 'metrics.jsonl')), 'mine');
      writeFileSync(join(root, 'notes.tmp-1-2'), 'not ours: no leading dot');
      expect(orphanTempFiles(root)).toEqual([
        join('episodes', `.open-loop.gif.tmp-${dead.pid}-0-abcd1234`),
      ]);
    } finally {
      live.kill('SIGKILL');
    }
    expect(orphanTempFiles(join(dir, 'no-such-dir'))).toEqual([]);
  });

  it('reads the writer pid back from the names tempPathBeside gives', () => {
    expect(tempFileWriter(tempPathBeside('/x/state.json').split('/').pop() ?? '')).toBe(
      process.pid,
    );
    expect(tempFileWriter('state.json')).toBeNull();
  });
});

describe('makeDirectory', () => {
  it('creates missing parents and accepts an existing folder', () => {
    const deep = join(dir, 'make', 'a', 'b');
    makeDirectory(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeDirectory(deep);
    expect(readdirSync(join(dir, 'make'))).toEqual(['a']);
  });

  it('names the folder it cannot create instead of hanging (under a file; under /proc)', () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    expect(() => makeDirectory(join(file, 'sub'))).toThrow(FileError);
    expect(() => makeDirectory(join(file, 'sub'))).toThrow(`${join(file, 'sub')}: cannot create`);
    try {
      makeDirectory(join(file, 'sub'));
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOTDIR');
    }
    if (existsSync('/proc/self')) {
      // mkdirSync(..., { recursive: true }) loops forever here on Linux (Node 20).
      expect(() => makeDirectory('/proc/vmbrl-test/run')).toThrow(
        '/proc/vmbrl-test: cannot create this folder (ENOENT)',
      );
    }
  });
});
