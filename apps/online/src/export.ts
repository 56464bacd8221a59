/**
 * `vmbrl-online export --out RUN_DIR`: writes the weights of a run's checkpoint (the latest, the
 * best evaluation's, or a kept `episode-N`) as numpy `.npz`, one array per variable keyed
 * `<part>/<variable>` (docs/OUTPUTS.md). Reads the run; writes only the `.npz`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINTS_DIR, exportCheckpointNpz } from '@vmbrl/agents';
import { type FlagSpec, UsageError, helpText, parseFlags, wantsHelp } from '@vmbrl/core';

/** The flags of `vmbrl-online export`. */
export const EXPORT_FLAGS: Record<string, FlagSpec> = {
  out: { type: 'string', doc: 'run directory whose checkpoint to export' },
  checkpoint: {
    type: 'string',
    doc: `which: latest (checkpoint/), best (${CHECKPOINTS_DIR}/best), or a kept episode-NNNNNN`,
    default: 'latest',
  },
  to: { type: 'string', doc: 'the .npz file to write (default RUN_DIR/exports/<checkpoint>.npz)' },
  optimizer: { type: 'boolean', doc: "include the optimisers' Adam moments", default: false },
};

/** Usage line of `vmbrl-online export`. */
export const EXPORT_USAGE =
  'usage: vmbrl-online export --out RUN_DIR [--checkpoint latest|best|episode-NNNNNN] [--to FILE.npz]';

/** The checkpoint directory `which` names in `out`; a usage error names what exists. */
function checkpointDir(out: string, which: string): string {
  if (which === 'latest') return join(out, 'checkpoint');
  if (which === 'best' || /^episode-\d{6}$/.test(which)) return join(out, CHECKPOINTS_DIR, which);
  throw new UsageError(
    `--checkpoint ${which} is invalid; allowed: latest, best, or episode-NNNNNN (six digits)`,
  );
}

/** Runs `vmbrl-online export <flags>`; returns the exit code. */
export async function exportCommand(argv: readonly string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(helpText(EXPORT_USAGE, EXPORT_FLAGS));
    return 0;
  }
  const flags = parseFlags(argv, EXPORT_FLAGS);
  const out = flags.out as string | undefined;
  if (out === undefined || out.trim() === '') {
    throw new UsageError('export needs --out RUN_DIR (the run directory to export)');
  }
  const which = flags.checkpoint as string;
  const dir = checkpointDir(out, which);
  if (!existsSync(dir)) {
    throw new UsageError(
      `${dir} does not exist: ${out} has no ${which} checkpoint (best and episode-N are kept when keepBestCheckpoint / keepCheckpoints are set)`,
    );
  }
  const to = (flags.to as string | undefined) ?? join(out, 'exports', `${which}.npz`);
  if (!to.endsWith('.npz')) throw new UsageError(`--to ${to} must end in .npz`);
  const keys = await exportCheckpointNpz(dir, to, { optimizer: flags.optimizer as boolean });
  console.log(`exported     ${keys.length} arrays from ${dir}`);
  console.log(`written      ${to}`);
  return 0;
}
