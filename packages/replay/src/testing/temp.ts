import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A factory of fresh temporary directories, all removed after the test file. */
export function temporaryDirectories(prefix: string): () => string {
  const created: string[] = [];
  afterAll(() => {
    for (const dir of created) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), `vmbrl-replay-${prefix}-`));
    created.push(dir);
    return dir;
  };
}
