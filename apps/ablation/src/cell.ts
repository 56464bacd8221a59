/**
 * The program of one cell (`node dist/cell.js RUN_DIR`), started by the engines of
 * @vmbrl/sweep: reads `RUN_DIR/cell.json`, checks its config, and trains (or resumes) the run
 * in RUN_DIR with the one run loop of @vmbrl/agents, or for an offline cell trains on its
 * dataset and scores it (`offlineCell`, which writes evaluation.json). SIGTERM stops it at its
 * last checkpoint. Exit 0 only when the run reached its budget (offline: was scored), so an
 * engine never records a cut run as done.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { offlineCell, runOnline } from '@vmbrl/agents';
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
  if (config.protocol === 'offline') {
    const stopped = new Error('stopped by a signal');
    try {
      const evaluation = await offlineCell(config.offline, runDir, {
        checkStop: () => {
          if (controller.signal.aborted) throw stopped;
        },
        onEpisode: (k, value) => console.log(`evaluation episode ${k + 1}  return ${value}`),
      });
      console.log(`scored: p90 ${evaluation.score.p90} after ${evaluation.updates} updates`);
      return 0;
    } catch (error) {
      if (error === stopped) return NOT_FINISHED;
      throw error;
    }
  }
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
