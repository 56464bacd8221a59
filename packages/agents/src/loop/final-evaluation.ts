/**
 * The final evaluation (issue 15: "evaluate after training"): a run that ends by its budget gets
 * one more evaluation of its final weights, unless its last evaluation already was of them, so
 * the learning curve ends with the trained agent rather than with an earlier checkpoint.
 */
import type { MetricsRow } from '@vmbrl/metrics';
import type { LoopConfig } from './config.js';
import type { LoopState } from './run-dir.js';

/**
 * True when the run at `state`, whose budget is reached and whose metrics are `rows` (as far as
 * its checkpoint), still lacks an evaluation of its final weights. The weights change only with
 * env steps (updates come with episodes or steps), so an `eval` row at the final env step is one
 * of them. A run configured never to evaluate gets none.
 */
export function finalEvaluationDue(
  config: Pick<LoopConfig, 'evalEvery' | 'evalEveryEnvSteps'>,
  state: Pick<LoopState, 'envSteps' | 'episodes'>,
  rows: readonly MetricsRow[],
): boolean {
  if (config.evalEvery === 0 && config.evalEveryEnvSteps === 0) return false;
  if (state.episodes === 0) return false;
  let last: MetricsRow | undefined;
  for (const row of rows) if (row.kind === 'eval') last = row;
  return last === undefined || last.step !== state.envSteps;
}
