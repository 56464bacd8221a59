/**
 * `vmbrl-dataset` commands, with the command-line convention of @vmbrl/core: `--help` exits 0,
 * a usage error prints one line naming the problem and what is allowed and exits 2, a missing
 * directory or a bad file is named and exits 1.
 */
import {
  type FlagSpec,
  UsageError,
  exitCodeOf,
  helpText,
  parseCommand,
  wantsHelp,
} from '@vmbrl/core';
import {
  type DatasetStats,
  datasetStats,
  mergeDirectories,
  scanDirectory,
  splitDirectory,
  writeManifest,
} from './dataset-tools';

/** Where the CLI writes. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** A command: its usage line, flags and positional arguments. */
interface Command {
  usage: string;
  flags: Record<string, FlagSpec>;
  positionals: { min: number; max: number; what: string };
}

const COMMANDS: Record<string, Command> = {
  stats: {
    usage: 'usage: vmbrl-dataset stats <dir> [--json] [--quick]',
    flags: {
      json: { type: 'boolean', doc: 'print the statistics as one JSON line', default: false },
      quick: { type: 'boolean', doc: 'read episode headers only (no checksum)', default: false },
    },
    positionals: { min: 1, max: 1, what: 'the dataset directory' },
  },
  merge: {
    usage: 'usage: vmbrl-dataset merge <out> <dir>...',
    flags: {},
    positionals: {
      min: 2,
      max: Number.POSITIVE_INFINITY,
      what: 'the output and source directories',
    },
  },
  split: {
    usage: 'usage: vmbrl-dataset split <dir> --out <dir> [--test-fraction 0.1] [--seed 0]',
    flags: {
      out: { type: 'string', doc: 'directory that receives train/ and test/' },
      'test-fraction': {
        type: 'float',
        doc: 'share of episodes in the test split',
        default: 0.1,
        min: 0,
        max: 1,
      },
      seed: { type: 'int', doc: 'seed of the shuffle', default: 0, min: 0, max: 2 ** 32 - 1 },
    },
    positionals: { min: 1, max: 1, what: 'the dataset directory' },
  },
  manifest: {
    usage: 'usage: vmbrl-dataset manifest <dir>',
    flags: {},
    positionals: { min: 1, max: 1, what: 'the dataset directory' },
  },
};

const USAGE = `usage: vmbrl-dataset <command> [args] (vmbrl-dataset <command> --help)
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.slice('usage: '.length)}`)
  .join('\n')}`;

function formatStats(dir: string, s: DatasetStats): string[] {
  const f = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
  const r = s.return;
  return [
    `${dir}: ${s.episodes} episodes, ${s.steps} steps (${s.transitions} transitions)`,
    `length  min ${f(s.length.min)}  mean ${f(s.length.mean)}  max ${f(s.length.max)}`,
    `return  mean ${f(r.mean)}  std ${f(r.std)}  min ${f(r.min)}  p5 ${f(r.p5)}  p25 ${f(r.p25)}  median ${f(r.p50)}  p75 ${f(r.p75)}  p95 ${f(r.p95)}  max ${f(r.max)}`,
  ];
}

/** Runs one command; throws on bad input. */
function run(argv: readonly string[], io: CliIo): void {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(USAGE);
    if (name === undefined)
      throw new UsageError(`a command is needed; allowed: ${Object.keys(COMMANDS).join(', ')}`);
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    throw new UsageError(
      `unknown command '${name}'; allowed: ${Object.keys(COMMANDS).join(', ')} (--help)`,
    );
  }
  if (wantsHelp(rest)) {
    io.out(helpText(command.usage, command.flags));
    return;
  }
  const { flags, positionals } = parseCommand(rest, command.flags, command.positionals);
  const reportSkipped = (skipped: { file: string; reason: string }[]) => {
    for (const s of skipped) io.err(`skipped ${s.file}: ${s.reason}`);
  };
  const [dir] = positionals as [string];
  if (name === 'stats') {
    const stats = datasetStats(scanDirectory(dir, { verify: !flags.quick }));
    if (flags.json) io.out(JSON.stringify(stats));
    else formatStats(dir, stats).forEach((line) => io.out(line));
    reportSkipped(stats.skipped);
  } else if (name === 'merge') {
    const [out, ...dirs] = positionals;
    const report = mergeDirectories(out as string, dirs);
    io.out(
      `merged into ${out}: ${report.copied.length} copied, ${report.duplicates.length} duplicates, ${report.renamed.length} renamed, ${report.skipped.length} skipped`,
    );
    for (const r of report.renamed) io.out(`renamed ${r.from} -> ${r.to}`);
    reportSkipped(report.skipped);
  } else if (name === 'split') {
    if (flags.out === undefined) throw new UsageError('split needs --out <dir>');
    const seed = flags.seed as number;
    const report = splitDirectory(dir, flags.out as string, flags['test-fraction'] as number, seed);
    io.out(`split ${dir}: ${report.train.length} train, ${report.test.length} test (seed ${seed})`);
    reportSkipped(report.skipped);
  } else {
    const manifest = writeManifest(dir);
    io.out(
      `wrote ${dir}/manifest.json: ${manifest.totals.episodes} episodes, ${manifest.totals.steps} steps`,
    );
    reportSkipped(manifest.skipped);
  }
}

/** Runs the CLI; returns the exit code (errors become one line on `io.err`). */
export function runCli(argv: readonly string[], io: CliIo): number {
  try {
    run(argv, io);
    return 0;
  } catch (error) {
    io.err(`vmbrl-dataset: ${(error as Error).message}`);
    return exitCodeOf(error);
  }
}
