/**
 * @vmbrl/agents in the browser (the `browser` export condition): the PlaNet agent and the web
 * page's sessions (load an export, act live, dream). The run loop, its files and the other
 * agents stay behind the Node entry.
 */
export * from './web/index.js';
export { PlanetAgent, type PlanetAgentOptions, type PlanetState } from './planet/agent.js';
export type { PlanetRunConfig, PlannerConfig } from './planet/config.js';
