/**
 * `vmbrl-online doctor RUN_DIR [--repair]`: lists every problem of a run directory (damaged
 * checkpoint, episode or metrics line, files the run did not write, temporary files of killed
 * writers); `--repair` quarantines damaged files (moved aside, listed) and truncates the
 * metrics log to the checkpoint, so the run resumes. Exit code 0 when the run is resumable,
 * 1 when it is not.
 */
import { doctorRun } from '@vmbrl/agents';
import { type FlagSpec, helpText, parseCommand, wantsHelp } from '@vmbrl/core';

/** The flags of `vmbrl-online doctor`. */
export const DOCTOR_FLAGS: Record<string, FlagSpec> = {
  repair: {
    type: 'boolean',
    doc: 'move damaged files into RUN_DIR/quarantine-<time>/ and cut the log to the checkpoint',
    default: false,
  },
};

/** Usage line of `vmbrl-online doctor`. */
export const DOCTOR_USAGE = 'usage: vmbrl-online doctor RUN_DIR [--repair]';

/** Runs `vmbrl-online doctor <args>`; returns the exit code. */
export async function doctorCommand(argv: readonly string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(helpText(DOCTOR_USAGE, DOCTOR_FLAGS));
    return 0;
  }
  const { flags, positionals } = parseCommand(argv, DOCTOR_FLAGS, {
    min: 1,
    max: 1,
    what: 'RUN_DIR',
  });
  const out = positionals[0] as string;
  const report = await doctorRun(out, { repair: flags.repair as boolean });
  for (const p of report.problems) {
    console.log(`${p.path}: ${p.problem}${p.repaired === null ? '' : `\n  -> ${p.repaired}`}`);
  }
  if (report.problems.length === 0) console.log(`${out}: no problems found`);
  if (report.quarantine) console.log(`quarantine   ${report.quarantine}`);
  console.log(
    report.resumable
      ? 'resumable    yes: run the training command again to continue'
      : `resumable    no${flags.repair ? '' : ' (--repair fixes what can be fixed)'}`,
  );
  return report.resumable ? 0 : 1;
}
