import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic.js';

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
