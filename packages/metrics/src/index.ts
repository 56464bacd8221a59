export * from './stats.js';
export * from './atomic.js';
export * from './metrics-log.js';
export * from './render.js';
export * from './plots.js';
export * from './frames.js';
export * from './gif.js';
