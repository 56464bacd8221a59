/** The options and result of `runLoop` (run.ts). */
import type { BackendName } from '@vmbrl/tensor';
import type { LoopConfig } from './config.js';
import type { AgentDefinition } from './definition.js';
import type { OnlineProgress } from './progress.js';
import type { LoopState } from './run-dir.js';

/** Options of {@link runLoop}. */
export interface RunLoopOptions<C extends LoopConfig = LoopConfig> {
  /** The resolved, validated config. */
  config: C;
  /** The agent of `config.agent`. */
  definition: AgentDefinition<C, unknown>;
  /** Turns a saved config.json into today's layout (upgraded and validated), for the resume check. */
  readSaved: (saved: Record<string, unknown>) => object;
  /** Run directory; an existing run there is resumed. */
  out: string;
  /** Tensor backend (default: `initBackend`'s choice). */
  backend?: BackendName;
  /** Wasm threads for products and convolutions (results are bitwise equal to 1 thread). */
  wasmThreads?: number | 'auto';
  /** Resume even if config.json differs (the new config replaces it). */
  forceConfig?: boolean;
  /** Move files the run did not write aside instead of refusing the directory (run-start.ts). */
  force?: boolean;
  /** Start over, keeping the earlier run's files under a dated name (run-start.ts). */
  restart?: boolean;
  /** Stop (after a complete iteration) once this many minutes have passed in this call. */
  maxMinutes?: number;
  /** Stop as soon as possible: the iteration in progress is dropped, the last checkpoint stands. */
  signal?: AbortSignal;
  /** Called often (every step and update) with counters for a progress display. */
  onProgress?: (progress: OnlineProgress) => void;
  /** Receives one line per notable event (resume, evaluation, stop). */
  log?: (line: string) => void;
}

/** What {@link runLoop} returns. */
export interface RunLoopResult {
  reportPath: string;
  /** Why the call ended. */
  stoppedBy: 'budget' | 'time' | 'signal';
  /** True when the call resumed an earlier run. */
  resumed: boolean;
  state: LoopState;
}
