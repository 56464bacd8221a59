/**
 * `vmbrl-ablation run STUDY --jobs N`: runs the study's cells that are not done on a local pool
 * of N processes (the default engine), resuming partial ones, with a progress display and ETA;
 * a failed cell is recorded in its run directory and the others go on. With `--queue URL` the
 * cells are enqueued on BullMQ instead, for `vmbrl-ablation worker` processes on any machine.
 */
import { type FlagSpec, UsageError, helpText, parseCommand, wantsHelp } from '@vmbrl/core';
import { ForeignRunDirError, enqueue, redactUrl, runLocal } from '@vmbrl/sweep';
import { cellRunner } from './cell-config.js';
import { QUEUE_FLAGS, queueTarget } from './queue-commands.js';
import { RunDisplay } from './run-display.js';
import { STUDY_FLAGS, openStudy } from './study-session.js';

const FLAGS: Record<string, FlagSpec> = {
  ...STUDY_FLAGS,
  jobs: { type: 'int', doc: 'cells run at once on this machine', default: 1, min: 1, max: 256 },
  queue: {
    type: 'string',
    doc: 'enqueue the cells on Redis (redis://[:PASSWORD@]HOST:PORT[/DB] or rediss://) instead of running them',
  },
  ...QUEUE_FLAGS,
  attempts: {
    type: 'int',
    doc: 'queue: attempts per cell before it is failed for good',
    default: 3,
    min: 1,
  },
};
const USAGE =
  'usage: vmbrl-ablation run STUDY.yaml [--jobs N] [--runs DIR] [--scale F] [--queue URL]';

export async function runCommand(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(helpText(USAGE, FLAGS));
    return 0;
  }
  const { flags, positionals } = parseCommand(argv, FLAGS, { min: 1, max: 1, what: 'STUDY.yaml' });
  const { plan, runsDir } = openStudy(positionals[0], flags);
  const skipped = plan.cells.filter((c) => !c.cell).length;
  if (skipped > 0) {
    console.error(
      `vmbrl-ablation: ${skipped} cell(s) unavailable in this build are not run (see plan)`,
    );
  }
  if (flags.queue !== undefined) {
    const url = flags.queue as string;
    const result = await enqueue(url, plan.runnable, {
      ...queueTarget(flags),
      runsDir,
      attempts: flags.attempts as number,
    });
    console.log(
      `queue ${redactUrl(url)}: ${result.added.length} added, ${result.existing.length} already queued, ` +
        `${result.doneOnDisk.length} done on disk, ${result.retried.length} retried`,
    );
    console.log(`workers: vmbrl-ablation worker --queue URL --runs ${runsDir}`);
    return 0;
  }
  const display = new RunDisplay(process.stderr);
  let summary: Awaited<ReturnType<typeof runLocal>>;
  try {
    summary = await runLocal(plan.runnable, {
      runsDir,
      jobs: flags.jobs as number,
      runner: cellRunner(),
      onProgress: (progress) => display.update(progress),
    });
  } catch (error) {
    // A run directory of another config: nothing was run or overwritten.
    if (error instanceof ForeignRunDirError) throw new UsageError(error.message);
    throw error;
  } finally {
    display.finish();
  }
  console.log(
    `cells ${plan.runnable.length}: ${summary.done.length} run now, ${summary.skipped.length} already done, ` +
      `${summary.failed.length} failed, ${summary.busy.length} busy elsewhere, ${summary.interrupted.length} interrupted`,
  );
  for (const { id, error } of summary.failed) console.log(`failed ${id}: ${error.split('\n')[0]}`);
  console.log(`runs   ${runsDir}`);
  return summary.failed.length > 0 || summary.busy.length > 0 ? 1 : 0;
}
