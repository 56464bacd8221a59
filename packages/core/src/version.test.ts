import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageVersion, versionText, wantsVersion } from './version.js';

describe('--version', () => {
  it('finds the package.json of the module that asks', () => {
    const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(packageVersion(import.meta.url)).toEqual({ name: '@vmbrl/core', version: own.version });
    expect(versionText('vmbrl-x', import.meta.url)).toBe(
      `vmbrl-x ${own.version} (@vmbrl/core, node ${process.version})`,
    );
  });

  it('is asked for by --version anywhere before --', () => {
    expect(wantsVersion(['--version'])).toBe(true);
    expect(wantsVersion(['compare', '--version'])).toBe(true);
    expect(wantsVersion(['--', '--version'])).toBe(false);
    expect(wantsVersion(['--versions'])).toBe(false);
  });
});
