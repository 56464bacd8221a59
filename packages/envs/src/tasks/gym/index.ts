/** Gym-style (MuJoCo v2) locomotion tasks from state: rewards in m/s minus costs, early termination. */
import type { TaskSpec } from '../common.js';
import { ant, antTruncated } from './ant.js';
import { humanoid, humanoidTruncated } from './humanoid.js';
import { halfCheetah, hopper, walker2d } from './planar.js';

export { ant, antTruncated, halfCheetah, hopper, humanoid, humanoidTruncated, walker2d };

/** All Gym-style tasks in registry order. */
export const GYM_TASKS: readonly TaskSpec[] = [
  halfCheetah,
  hopper,
  walker2d,
  ant,
  antTruncated,
  humanoid,
  humanoidTruncated,
];
