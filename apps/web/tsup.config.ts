import { packageBuild } from '@vmbrl/tsconfig/tsup.mjs';

// The Node side only (CLI: export-web, serve); the page itself is built by Vite into dist/.
export default packageBuild({
  entry: ['src/cli.ts'],
  outDir: 'dist-node',
  dts: false,
  banner: { js: '#!/usr/bin/env node' },
});
