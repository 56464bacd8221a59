import { packageBuild } from '@vmbrl/tsconfig/tsup.mjs';

export default packageBuild({
  entry: ['src/index.ts', 'src/browser.ts', 'src/random.ts'],
  dts: {
    // Types of the chained ops (`x.transpose()`) for code that uses this package's `tf`.
    banner: "import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';",
  },
  // tfjs-core's gradient and chained-op registrations exist only as extensionless ES modules
  // (see src/tf.ts).
  noExternal: [
    /^@tensorflow\/tfjs-core\/dist\/register_all_gradients/,
    /^@tensorflow\/tfjs-core\/dist\/public\/chained_ops\/register_all_chained_ops/,
  ],
});
