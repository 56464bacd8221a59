/**
 * vmbrl-ablation: the design-choice study of "Models, Pixels, and Rewards" (ICLR 2021) as
 * declarative sweeps. `plan` lists a study file's cells and their state, `run` runs them on a
 * local pool (or enqueues them on Redis), `worker` runs queued cells, `status` shows the queue,
 * `report` regenerates the tables and figures from the run directories.
 */
import { UsageError, runMain } from '@vmbrl/core';
import { planCommand } from './plan-command.js';
import { statusCommand, workerCommand } from './queue-commands.js';
import { reportCommand } from './report-command.js';
import { runCommand } from './run-command.js';

const USAGE = `usage: vmbrl-ablation plan STUDY.yaml [--runs DIR] [--scale F]
       vmbrl-ablation run STUDY.yaml [--jobs N] [--runs DIR] [--scale F] [--queue URL]
       vmbrl-ablation report STUDY.yaml [--runs DIR] [--scale F] [--out DIR]
       vmbrl-ablation worker --queue URL --runs DIR [--concurrency N]
       vmbrl-ablation status STUDY.yaml --queue URL
Each command takes --help.`;

const COMMANDS: Record<string, (argv: string[]) => number | Promise<number>> = {
  plan: planCommand,
  run: runCommand,
  report: reportCommand,
  worker: workerCommand,
  status: statusCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    throw new UsageError(
      `unknown command '${command}'; allowed: ${Object.keys(COMMANDS).join(', ')}`,
    );
  }
  return run(rest);
}

runMain('vmbrl-ablation', () => main(process.argv.slice(2)));
