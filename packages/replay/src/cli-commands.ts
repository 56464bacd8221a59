/**
 * `vmbrl-dataset` commands. Usage errors print one line naming the problem and what is allowed
 * and return exit code 2; runtime failures (missing directory, ...) return 1.
 */
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

class UsageError extends Error {}

const USAGE =
  'usage: vmbrl-dataset stats <dir> [--json] [--quick] | merge <out> <dirs...> | split <dir> --out <dir> [--test-fraction 0.1] [--seed 0] | manifest <dir>';

const COMMANDS: Record<
  string,
  { flags: Record<string, 'boolean' | 'value'>; positional: [number, number] }
> = {
  stats: { flags: { '--json': 'boolean', '--quick': 'boolean' }, positional: [1, 1] },
  merge: { flags: {}, positional: [2, Number.POSITIVE_INFINITY] },
  split: {
    flags: { '--test-fraction': 'value', '--seed': 'value', '--out': 'value' },
    positional: [1, 1],
  },
  manifest: { flags: {}, positional: [1, 1] },
};

function parse(argv: readonly string[]) {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') throw new UsageError(USAGE);
  const spec = COMMANDS[command];
  if (!spec) {
    throw new UsageError(
      `vmbrl-dataset: unknown command '${command}' (allowed: ${Object.keys(COMMANDS).join(', ')})`,
    );
  }
  const allowed = Object.keys(spec.flags);
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.split('=', 2);
    const kind = spec.flags[name];
    if (!kind) {
      throw new UsageError(
        `vmbrl-dataset ${command}: unknown flag ${name} (allowed: ${allowed.length ? allowed.join(', ') : 'none'})`,
      );
    }
    if (kind === 'boolean') flags[name] = true;
    else {
      const value = inline ?? rest[++i];
      if (value === undefined)
        throw new UsageError(`vmbrl-dataset ${command}: flag ${name} needs a value`);
      flags[name] = value;
    }
  }
  const [min, max] = spec.positional;
  if (positional.length < min || positional.length > max) {
    throw new UsageError(`vmbrl-dataset ${command}: wrong number of arguments (${USAGE})`);
  }
  return { command, flags, positional };
}

function formatStats(dir: string, s: DatasetStats): string[] {
  const f = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
  const r = s.return;
  return [
    `${dir}: ${s.episodes} episodes, ${s.steps} steps (${s.transitions} transitions)`,
    `length  min ${f(s.length.min)}  mean ${f(s.length.mean)}  max ${f(s.length.max)}`,
    `return  mean ${f(r.mean)}  std ${f(r.std)}  min ${f(r.min)}  p5 ${f(r.p5)}  p25 ${f(r.p25)}  median ${f(r.p50)}  p75 ${f(r.p75)}  p95 ${f(r.p95)}  max ${f(r.max)}`,
  ];
}

/** Runs the CLI; returns the exit code. */
export function runCli(argv: readonly string[], io: CliIo): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err((error as Error).message);
    return 2;
  }
  const { command, flags, positional } = parsed;
  try {
    const reportSkipped = (skipped: { file: string; reason: string }[]) => {
      for (const s of skipped) io.err(`skipped ${s.file}: ${s.reason}`);
    };
    if (command === 'stats') {
      const stats = datasetStats(scanDirectory(positional[0], { verify: !flags['--quick'] }));
      if (flags['--json']) io.out(JSON.stringify(stats));
      else formatStats(positional[0], stats).forEach((line) => io.out(line));
      reportSkipped(stats.skipped);
    } else if (command === 'merge') {
      const [out, ...dirs] = positional;
      const report = mergeDirectories(out, dirs);
      io.out(
        `merged into ${out}: ${report.copied.length} copied, ${report.duplicates.length} duplicates, ${report.renamed.length} renamed, ${report.skipped.length} skipped`,
      );
      for (const r of report.renamed) io.out(`renamed ${r.from} -> ${r.to}`);
      reportSkipped(report.skipped);
    } else if (command === 'split') {
      const fractionText = String(flags['--test-fraction'] ?? '0.1');
      const fraction = Number(fractionText);
      if (fractionText.trim() === '' || !(fraction >= 0 && fraction <= 1)) {
        throw new UsageError(
          `vmbrl-dataset split: --test-fraction must be a number in [0, 1], got '${fractionText}'`,
        );
      }
      const seedText = String(flags['--seed'] ?? '0');
      const seed = Number(seedText);
      if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(seed)) {
        throw new UsageError(
          `vmbrl-dataset split: --seed must be a non-negative integer, got '${seedText}'`,
        );
      }
      if (!flags['--out']) throw new UsageError('vmbrl-dataset split: --out <dir> is required');
      const report = splitDirectory(positional[0], String(flags['--out']), fraction, seed);
      io.out(
        `split ${positional[0]}: ${report.train.length} train, ${report.test.length} test (seed ${seed})`,
      );
      reportSkipped(report.skipped);
    } else {
      const manifest = writeManifest(positional[0]);
      io.out(
        `wrote ${positional[0]}/manifest.json: ${manifest.totals.episodes} episodes, ${manifest.totals.steps} steps`,
      );
      reportSkipped(manifest.skipped);
    }
    return 0;
  } catch (error) {
    io.err((error as Error).message);
    return error instanceof UsageError ? 2 : 1;
  }
}
