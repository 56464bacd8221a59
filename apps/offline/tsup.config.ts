import { packageBuild } from '@vmbrl/tsconfig/tsup.mjs';

export default packageBuild({
  entry: ['src/cli.ts'],
  dts: false,
  banner: { js: '#!/usr/bin/env node' },
});
