export * from './stats.js';
export * from './atomic.js';
export * from './metrics-log.js';
