import * as almUpdate from './alm-update.mjs';
import * as cemOracle from './cem-oracle.mjs';
import * as convKernels from './conv-kernels.mjs';
import * as convStep from './conv-step.mjs';
import * as dreamerUpdate from './dreamer-update.mjs';
import * as envPhysics from './env-physics.mjs';
import * as envPixels from './env-pixels.mjs';
import * as planetUpdate from './planet-update.mjs';
import * as render from './render.mjs';
import * as replaySample from './replay-sample.mjs';
import * as studyDesigns from './study-designs.mjs';
import * as w1 from './w1.mjs';
import * as w1big from './w1big.mjs';
import * as w2 from './w2.mjs';
import * as w3 from './w3.mjs';
import * as wasmKernels from './wasm-kernels.mjs';

/** Registered workloads by name. */
export const WORKLOADS = {
  'conv-step': convStep,
  'conv-kernels': convKernels,
  w1,
  w1big,
  w2,
  w3,
  'wasm-kernels': wasmKernels,
  'cem-oracle': cemOracle,
  'env-physics': envPhysics,
  'env-pixels': envPixels,
  render,
  'replay-sample': replaySample,
  'planet-update': planetUpdate,
  'dreamer-update': dreamerUpdate,
  'alm-update': almUpdate,
  'study-designs': studyDesigns,
};
