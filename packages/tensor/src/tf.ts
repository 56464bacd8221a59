/**
 * TensorFlow.js as vmbrl uses it: tfjs-core's API with the CPU backend's kernels, every
 * gradient and the chained ops (`x.transpose()`) registered, as the umbrella `@tensorflow/tfjs`
 * does, without the layers, converter, data pipelines and WebGL it adds and nothing here uses.
 * tfjs-core ships these registrations only as ES modules without file extensions (Node cannot
 * load them), so the build bundles them; they register into tfjs-core's global registries and
 * its global tensor class, which every copy of tfjs-core shares.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

export * from '@tensorflow/tfjs-core';
