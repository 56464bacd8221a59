import { spawnSync } from 'node:child_process';

let probed: string | undefined | null = null;

/**
 * `python3` when it can import numpy, else undefined (tests that need numpy are skipped, with a
 * warning; the CI installs Debian's python3-numpy so they run there).
 */
export function pythonWithNumpy(): string | undefined {
  if (probed === null) {
    const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
    probed = probe.status === 0 ? 'python3' : undefined;
    if (!probed) console.warn('numpy tests skipped: python3 with numpy not found on PATH');
  }
  return probed;
}

/**
 * Runs a python script with numpy and returns its stdout parsed as JSON (throws on a failure or
 * any stderr output). `input` goes to stdin (arguments are limited to 128 KiB each).
 */
export function runPythonJson(
  script: string,
  args: readonly string[] = [],
  input?: string,
): unknown {
  const python = pythonWithNumpy();
  if (!python) throw new Error('runPythonJson: python3 with numpy is not available');
  const result = spawnSync(python, ['-c', script, ...args], {
    encoding: 'utf8',
    input,
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0 || result.stderr) {
    throw new Error(
      `python exited with ${result.status}: ${result.error?.message ?? ''}${result.stderr}`,
    );
  }
  return JSON.parse(result.stdout);
}
