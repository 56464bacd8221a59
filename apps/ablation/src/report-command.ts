/**
 * `vmbrl-ablation report STUDY`: regenerates every table and figure of the study from its run
 * directories into one HTML page plus markdown and CSV tables (`<runs>/report/` by default).
 * Cells that are missing (not run, failed, unavailable in this build) are listed, never dropped.
 */
import { join, resolve } from 'node:path';
import { type FlagSpec, helpText, parseCommand, wantsHelp } from '@vmbrl/core';
import { writeStudyReport } from './report/write.js';
import { STUDY_FLAGS, openStudy } from './study-session.js';

const FLAGS: Record<string, FlagSpec> = {
  ...STUDY_FLAGS,
  out: { type: 'string', doc: 'report directory (default <runs>/report)' },
};
const USAGE = 'usage: vmbrl-ablation report STUDY.yaml [--runs DIR] [--scale F] [--out DIR]';

export async function reportCommand(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(helpText(USAGE, FLAGS));
    return 0;
  }
  const { flags, positionals } = parseCommand(argv, FLAGS, { min: 1, max: 1, what: 'STUDY.yaml' });
  const { plan, runsDir } = openStudy(positionals[0], flags);
  const out = resolve((flags.out as string | undefined) ?? join(runsDir, 'report'));
  const written = await writeStudyReport(plan, runsDir, out);
  console.log(
    `cells  ${written.done}/${plan.cells.length} with results, ${plan.cells.length - written.done} missing`,
  );
  console.log(`tables ${written.tables.map((t) => `${t}.md`).join(', ')} (and .csv)`);
  console.log(`report ${join(out, 'report.html')}`);
  return 0;
}
