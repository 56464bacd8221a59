/**
 * `--version` of every vmbrl executable: the version in the package.json of the package the
 * executable ships in, found by walking up from the executable's own module file (so a bin
 * built into `dist/` and run from anywhere, through a symlink on PATH, still finds it).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when the command line asks for the version (`--version` before a `--`). */
export function wantsVersion(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--version');
}

/**
 * `<name>@<version>` of the nearest package.json above `moduleUrl` (an `import.meta.url`);
 * throws naming the module when there is none.
 */
export function packageVersion(moduleUrl: string): { name: string; version: string } {
  let dir = dirname(realpathSync(fileURLToPath(moduleUrl)));
  for (;;) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const { name, version } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      if (typeof name === 'string' && typeof version === 'string') return { name, version };
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`no package.json with a name and version above ${moduleUrl}`);
    dir = parent;
  }
}

/** The line `--version` prints: `vmbrl-online 0.1.0 (@vmbrl/online, node v20.15.0)`. */
export function versionText(bin: string, moduleUrl: string): string {
  const { name, version } = packageVersion(moduleUrl);
  return `${bin} ${version} (${name}, node ${process.version})`;
}
