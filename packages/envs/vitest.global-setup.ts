/**
 * VectorEnv tests start dist/worker.js in worker threads: (re)build the package when dist is
 * missing or older than the sources, so `vitest run` works on its own.
 */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

export default function setup(): void {
  const worker = join(here, 'dist', 'worker.js');
  if (!existsSync(worker) || statSync(worker).mtimeMs < newestSource(join(here, 'src'))) {
    execSync('npx tsup', { cwd: here, stdio: 'inherit' });
  }
}
