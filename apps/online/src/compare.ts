/**
 * `vmbrl-online compare`: several seeds of several methods from their run directories on one
 * learning-curve plot (SVG and PNG) and in one markdown table printed to stdout.
 */
import { dirname, relative, resolve } from 'node:path';
import { type FlagSpec, UsageError, helpText, parseFlags, runMain, wantsHelp } from '@vmbrl/core';
import { type RunGroup, compareRuns, summaryMarkdown } from '@vmbrl/metrics';

/** The flags of `vmbrl-online compare`; --group and --reference may be given several times. */
export const COMPARE_FLAGS: Record<string, FlagSpec> = {
  group: {
    type: 'string',
    doc: '"LABEL=RUN_DIR,RUN_DIR,..." one method and its seeds (repeat for more methods); the label ends at the first \'=\'',
    repeatable: true,
  },
  reference: {
    type: 'string',
    doc: '"LABEL=VALUE" a dashed horizontal line, e.g. "random policy=26.6"',
    repeatable: true,
  },
  title: { type: 'string', doc: 'plot title' },
  out: { type: 'string', doc: 'output path without extension: writes OUT.svg and OUT.png' },
  range: {
    type: 'enum',
    doc: 'steps plotted per method: the range every seed reached, or all',
    choices: ['common', 'all'],
    default: 'common',
  },
  png: { type: 'boolean', doc: 'also write OUT.png (--png=false for SVG only)', default: true },
  'random-reference': {
    type: 'boolean',
    doc: "a line per group at the mean return of its runs' random seed episodes",
    default: false,
  },
};

/** Usage line of `vmbrl-online compare`. */
export const COMPARE_USAGE =
  'usage: vmbrl-online compare --group "LABEL=RUN_DIR,RUN_DIR,..." [--group ...] [--reference "LABEL=VALUE"] [--title T] --out BASE [flags]';

/** Parses `--group "LABEL=DIR,DIR"`. */
export function parseGroup(text: string): RunGroup {
  const eq = text.indexOf('=');
  const label = eq < 0 ? '' : text.slice(0, eq).trim();
  const runDirs =
    eq < 0
      ? []
      : text
          .slice(eq + 1)
          .split(',')
          .map((d) => d.trim());
  if (label === '' || runDirs.length === 0 || runDirs.some((d) => d === '')) {
    throw new UsageError(
      `--group '${text}' is not allowed; write --group "LABEL=RUN_DIR,RUN_DIR,..." (a label without '=', then '=', then run directories separated by commas)`,
    );
  }
  return { label, runDirs };
}

/** Parses `--reference "LABEL=VALUE"` (split at the last '='). */
export function parseReference(text: string): { label: string; value: number } {
  const eq = text.lastIndexOf('=');
  const label = eq < 0 ? '' : text.slice(0, eq).trim();
  const raw = eq < 0 ? '' : text.slice(eq + 1).trim();
  const value = Number(raw);
  if (label === '' || raw === '' || !Number.isFinite(value)) {
    throw new UsageError(
      `--reference '${text}' is not allowed; write --reference "LABEL=VALUE" with a number, e.g. "random policy=26.6"`,
    );
  }
  return { label, value };
}

/** Runs `vmbrl-online compare <flags>`; returns the exit code. */
export async function compareCommand(argv: readonly string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(helpText(COMPARE_USAGE, COMPARE_FLAGS));
    return 0;
  }
  const flags = parseFlags(argv, COMPARE_FLAGS);
  const groups = (flags.group as string[]).map(parseGroup);
  const references = (flags.reference as string[]).map(parseReference);
  if (groups.length === 0) {
    throw new UsageError('compare needs at least one --group "LABEL=RUN_DIR,RUN_DIR,..."');
  }
  const labels = [...groups.map((g) => g.label), ...references.map((r) => r.label)];
  const twice = labels.find((label, i) => labels.indexOf(label) !== i);
  if (twice !== undefined) {
    throw new UsageError(
      `label '${twice}' is given twice; each --group and --reference needs its own`,
    );
  }
  const out = flags.out as string | undefined;
  if (out === undefined || out.trim() === '') {
    throw new UsageError('compare needs --out BASE (the plot goes to BASE.svg and BASE.png)');
  }
  // Runs are only read (a trainer may be writing them): the plot may not land inside one.
  const inside = groups
    .flatMap((g) => g.runDirs)
    .find((dir) => !relative(resolve(dir), resolve(dirname(out))).startsWith('..'));
  if (inside !== undefined) {
    throw new UsageError(
      `--out ${out} is inside the run directory ${inside}, which compare only reads; choose a path outside the runs`,
    );
  }
  // An unreadable run (missing file, malformed line, no evaluation yet) is named, exit code 1.
  const summary = await compareRuns({
    groups,
    references,
    title: flags.title as string | undefined,
    outBase: out,
    range: flags.range as 'common' | 'all',
    png: flags.png as boolean,
    randomReference: flags['random-reference'] as boolean,
  });
  console.log(summaryMarkdown(summary));
  console.log(`plot         ${summary.svgPath}`);
  if (summary.pngPath) console.log(`             ${summary.pngPath}`);
  return 0;
}
