import { packageBuild } from '@vmbrl/tsconfig/tsup.mjs';

// cli.js is the command; cell.js the program each cell runs as a child process.
export default packageBuild({
  entry: ['src/cli.ts', 'src/cell.ts'],
  dts: false,
  banner: { js: '#!/usr/bin/env node' },
});
