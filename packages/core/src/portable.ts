/**
 * What @vmbrl/core exports in Node and in the browser alike (no Node module reachable from
 * here): `index.ts` and `browser.ts` both re-export it and add what only their platform has.
 */
export * from './env.js';
export * from './batch.js';
export * from './planning.js';
export * from './agent.js';
export * from './random.js';
export * from './validate.js';
export * from './stats.js';
export * from './presets.js';
export * from './config-set.js';
