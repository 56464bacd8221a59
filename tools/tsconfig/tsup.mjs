// The tsup build every vmbrl package shares: ES modules with declarations and source maps for
// Node 20, from src/index.ts unless a package names its entries.
import { defineConfig } from 'tsup';

/** A package's tsup config; `options` add to or replace the shared settings. */
export function packageBuild(options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...options,
  });
}
