import { packageBuild } from '@vmbrl/tsconfig/tsup.mjs';

export default packageBuild({ entry: ['src/index.ts', 'src/browser.ts'] });
