import * as cemOracle from './cem-oracle.mjs';
import * as convKernels from './conv-kernels.mjs';
import * as convStep from './conv-step.mjs';
import * as w1 from './w1.mjs';
import * as w2 from './w2.mjs';

/** Registered workloads by name. */
export const WORKLOADS = {
  'conv-step': convStep,
  'conv-kernels': convKernels,
  w1,
  w2,
  'cem-oracle': cemOracle,
};
