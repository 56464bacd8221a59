import { packageBuild } from '@vmbrl/tsconfig/tsup.mjs';

export default packageBuild();
