/**
 * The program of one cell (`node dist/cell.js RUN_DIR`), started by the engines of
 * @vmbrl/sweep: reads `RUN_DIR/cell.json`, checks its config, and trains (or resumes) the run
 * in RUN_DIR with the one run loop of @vmbrl/agents. SIGTERM stops it at its last checkpoint.
 * Exit 0 only when the run reached its budget, so an engine never records a cut run as done.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOnline } from '@vmbrl/agents';
import { UsageError, runMain } from '@vmbrl/core';
import { validateCellConfig } from './cell-config.js';

/** Exit code of a run stopped before its budget (it resumes when started again). */
const NOT_FINISHED = 3;

async function main(argv: string[]): Promise<number> {
  const [runDir] = argv;
  if (!runDir || argv.length !== 1) throw new UsageError('usage: cell.js RUN_DIR');
  const { config } = JSON.parse(readFileSync(join(runDir, 'cell.json'), 'utf8'));
  validateCellConfig(config);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const result = await runOnline({
    config: config.run,
    out: runDir,
    signal: controller.signal,
    log: (line) => console.log(line),
  });
  console.log(`stopped: ${result.stoppedBy} at episode ${result.state.episodes}`);
  return result.stoppedBy === 'budget' ? 0 : NOT_FINISHED;
}

runMain('vmbrl-ablation cell', () => main(process.argv.slice(2)));
