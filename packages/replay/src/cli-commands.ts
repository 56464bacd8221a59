/**
 * `vmbrl-dataset`: thin wrappers over the dataset modules. Exit codes: 0 done; 2 a usage error
 * (bad flag or value, a directory that is not a dataset, datasets that cannot be merged, nothing
 * to split); 1 a bad file (a corrupt or unreadable episode, a checksum mismatch), named by path.
 */
import {
  type FlagSpec,
  type FlagValues,
  UsageError,
  exitCodeOf,
  helpText,
  parseCommand,
  validator,
  wantsHelp,
} from '@vmbrl/core';
import { aggregateDatasets } from './dataset-aggregate';
import { DatasetUsageError } from './dataset-errors';
import { SPLIT_NAMES, type SplitName, type SplitRecord } from './dataset-manifest';
import { optimismSplit, randomSplit } from './dataset-split';
import { type DatasetStats, datasetStats, scanDirectory } from './dataset-stats';
import { verifyDataset } from './dataset-verify';
import { DatasetWriter } from './dataset-writer';
import { dreamerV3InputFiles, exportDreamerV3, importDreamerV3 } from './dreamerv3-files';

/** Where the CLI writes. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** A failure already reported line by line: exit 1 with this summary. */
class FileProblems extends Error {}

interface Command {
  usage: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  /** The positional arguments, in words, and how many. */
  args: string;
  positionals: [min: number, max: number];
  run(flags: FlagValues, positionals: string[], io: CliIo): void;
}

const text = (name: string, flags: FlagValues) => flags[name] as string | undefined;

/** A fraction strictly between 0 and 1 (the flag parser's bounds are inclusive). */
function openFraction(name: string, value: number): number {
  return validator('').number(`--${name}`, value, { min: 0, max: 1, minOpen: true, maxOpen: true });
}

function required(name: string, flags: FlagValues): string {
  const value = text(name, flags);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

function describeSplit(split: SplitRecord): string {
  return split.method === 'random'
    ? `random, seed ${split.seed}, test fraction ${split.testFraction}`
    : `optimism: return < ${split.threshold} train, >= ${split.threshold} test${split.quantile === undefined ? '' : ` (quantile ${split.quantile})`}`;
}

function formatStats(dir: string, s: DatasetStats): string[] {
  const f = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
  const r = s.return;
  const lines = [
    `${dir}: ${s.episodes} episodes, ${s.steps} steps (${s.transitions} transitions)`,
    `length  min ${f(s.length.min)}  mean ${f(s.length.mean)}  max ${f(s.length.max)}`,
    `return  mean ${f(r.mean)}  std ${f(r.std)}  min ${f(r.min)}  p5 ${f(r.p5)}  p25 ${f(r.p25)}  median ${f(r.p50)}  p75 ${f(r.p75)}  p95 ${f(r.p95)}  max ${f(r.max)}`,
  ];
  if (s.dataset) {
    const sources = Object.entries(s.dataset.sources).map(([k, v]) => `${k} ${v.episodes}`);
    lines.push(
      `dataset task ${s.dataset.task}, action repeat ${s.dataset.actionRepeat}; sources: ${sources.join(', ')}`,
    );
    const split = s.dataset.split;
    lines.push(
      split
        ? `split ${split.train} train, ${split.test} test (${describeSplit(split)})`
        : 'not split',
    );
  }
  return lines;
}

const COMMANDS: Record<string, Command> = {
  stats: {
    usage: 'stats <dir> [--json] [--quick]',
    summary: 'counts, lengths and returns of a dataset or any folder of episodes',
    flags: {
      json: { type: 'boolean', doc: 'print the statistics as one JSON object', default: false },
      quick: {
        type: 'boolean',
        doc: "a dataset's manifest values instead of reading every episode",
        default: false,
      },
    },
    args: '<dir>',
    positionals: [1, 1],
    run(values, [dir], io) {
      const scan = scanDirectory(dir, { quick: values.quick === true });
      if (scan.unreadable.length > 0) {
        for (const u of scan.unreadable) io.err(u.reason);
        throw new FileProblems(
          `${dir}: ${scan.unreadable.length} of ${scan.unreadable.length + scan.episodes.length} episodes cannot be read`,
        );
      }
      const stats = datasetStats(scan);
      if (values.json) io.out(JSON.stringify(stats));
      else formatStats(dir, stats).forEach((line) => io.out(line));
    },
  },
  aggregate: {
    usage: 'aggregate --out <dataset> <datasets...> [--link]',
    summary: 'merge datasets of one task and action repeat (sources kept, identical episodes once)',
    flags: {
      out: { type: 'string', doc: 'the dataset to create or add to' },
      link: { type: 'boolean', doc: 'hard-link episode files instead of copying', default: false },
    },
    args: '<datasets...>',
    positionals: [1, Number.POSITIVE_INFINITY],
    run(values, dirs, io) {
      const out = required('out', values);
      const report = aggregateDatasets(out, dirs, { link: values.link === true });
      const sources = Object.entries(report.sources).map(([k, v]) => `${k} ${v.episodes}`);
      io.out(
        `aggregated ${dirs.length} dataset${dirs.length === 1 ? '' : 's'} into ${out}: ${report.added} added (${report.linked} hard-linked), ${report.duplicates} already there; sources: ${sources.join(', ')}`,
      );
    },
  },
  split: {
    usage: 'split <dataset> [--test-fraction 0.1] [--seed 0] [--force]',
    summary: 'deterministic random train/test split by episode, recorded in the manifest',
    flags: {
      'test-fraction': { type: 'float', doc: 'share of episodes in test, in (0, 1)', default: 0.1 },
      seed: { type: 'int', doc: 'seed of the split', default: 0, min: 0, max: 2 ** 32 - 1 },
      force: { type: 'boolean', doc: 'replace an existing split', default: false },
    },
    args: '<dataset>',
    positionals: [1, 1],
    run(values, [dir], io) {
      const testFraction = openFraction('test-fraction', values['test-fraction'] as number);
      const seed = values.seed as number;
      const split = randomSplit(dir, { seed, testFraction, force: values.force === true });
      io.out(`split ${dir}: ${split.train} train, ${split.test} test (${describeSplit(split)})`);
    },
  },
  optimism: {
    usage: 'optimism <dataset> (--threshold <return> | --quantile <q>) [--force]',
    summary: "the paper's optimism split: low-return episodes train, high-return test",
    flags: {
      threshold: { type: 'float', doc: 'episodes with a return below it train, the rest test' },
      quantile: { type: 'float', doc: 'the threshold as a quantile of the returns, in (0, 1)' },
      force: { type: 'boolean', doc: 'replace an existing split', default: false },
    },
    args: '<dataset>',
    positionals: [1, 1],
    run(values, [dir], io) {
      const threshold = values.threshold as number | undefined;
      const quantile = values.quantile as number | undefined;
      if ((threshold === undefined) === (quantile === undefined)) {
        throw new UsageError('give exactly one of --threshold and --quantile');
      }
      const split = optimismSplit(dir, {
        threshold,
        quantile: quantile === undefined ? undefined : openFraction('quantile', quantile),
        force: values.force === true,
      });
      io.out(`split ${dir}: ${split.train} train, ${split.test} test (${describeSplit(split)})`);
    },
  },
  verify: {
    usage: 'verify <dataset>',
    summary: "check every file against the manifest's sha256, length and return",
    flags: {},
    args: '<dataset>',
    positionals: [1, 1],
    run(_values, [dir], io) {
      const report = verifyDataset(dir);
      for (const p of report.problems) io.err(`${p.file}: ${p.problem}`);
      if (report.problems.length > 0) {
        throw new FileProblems(
          `${dir}: ${report.ok} episodes verified, ${report.problems.length} problems`,
        );
      }
      io.out(`${dir}: ${report.ok} episodes verified`);
    },
  },
  'import-dreamerv3': {
    usage:
      'import-dreamerv3 <files or dirs...> --out <dataset> --task <task> --action-repeat <n> [--source dreamerv3] [--image-key image]',
    summary: 'add the complete episodes of DreamerV3 episode or replay-chunk files to a dataset',
    flags: {
      out: { type: 'string', doc: 'the dataset to create or add to' },
      task: { type: 'string', doc: 'the task the episodes are of' },
      'action-repeat': { type: 'int', doc: 'the action repeat they were recorded with', min: 1 },
      source: { type: 'string', doc: 'source label of the episodes', default: 'dreamerv3' },
      'image-key': { type: 'string', doc: 'the key holding the images (default: found)' },
    },
    args: '<files or dirs...>',
    positionals: [1, Number.POSITIVE_INFINITY],
    run(values, inputs, io) {
      const out = required('out', values);
      const task = required('task', values);
      if (values['action-repeat'] === undefined)
        throw new UsageError('--action-repeat is required');
      const actionRepeat = values['action-repeat'] as number;
      dreamerV3InputFiles(inputs); // refuse missing inputs before creating the dataset
      const writer = DatasetWriter.open(out, { task, actionRepeat });
      try {
        const report = importDreamerV3(inputs, writer, {
          source: text('source', values),
          imageKey: text('image-key', values),
        });
        io.out(
          `imported ${report.files} file${report.files === 1 ? '' : 's'} into ${out}: ${report.added} episodes added, ${report.duplicates} already there, ${report.discardedRows} steps outside complete episodes skipped`,
        );
      } finally {
        writer.close();
      }
    },
  },
  'export-dreamerv3': {
    usage: 'export-dreamerv3 <dataset> --out <dir> [--split train|test] [--float16]',
    summary: 'write episodes as DreamerV3 replay chunks (is_first/is_last/is_terminal)',
    flags: {
      out: { type: 'string', doc: 'the directory of the chunks' },
      split: { type: 'enum', doc: 'only this side of the split', choices: SPLIT_NAMES },
      float16: { type: 'boolean', doc: 'images and floats as float16', default: false },
    },
    args: '<dataset>',
    positionals: [1, 1],
    run(values, [dir], io) {
      const out = required('out', values);
      const split = values.split as SplitName | undefined;
      const report = exportDreamerV3(dir, out, { split, float16: values.float16 === true });
      io.out(
        `exported ${report.files.length} episodes of ${dir}${split ? ` (${split} split)` : ''} to ${out} as DreamerV3 chunks (${values.float16 ? 'float16' : 'float32'})`,
      );
    },
  },
};

const HELP = [
  'usage: vmbrl-dataset <command> [options]   (vmbrl-dataset <command> --help for one command)',
  '',
  ...Object.values(COMMANDS).flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
  '',
  'exit codes: 0 done, 1 a bad file (named by path), 2 a usage error',
];

/** Runs one command; throws UsageError (exit 2) or a file error (exit 1). */
function runCommand(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    HELP.forEach((line) => io.out(line));
    return 0;
  }
  if (command === undefined) throw new UsageError(HELP[0]);
  const spec = COMMANDS[command];
  if (!spec) {
    throw new UsageError(
      `unknown command '${command}'; allowed: ${Object.keys(COMMANDS).join(', ')} (--help)`,
    );
  }
  const usage = `usage: vmbrl-dataset ${spec.usage}`;
  if (wantsHelp(rest)) {
    helpText(`${usage}\n  ${spec.summary}`, spec.flags)
      .split('\n')
      .forEach((line) => io.out(line));
    return 0;
  }
  const [min, max] = spec.positionals;
  const { flags, positionals } = parseCommand(rest, spec.flags, { min, max, what: spec.args });
  spec.run(flags, positionals, io);
  return 0;
}

/**
 * Runs the CLI in this process (the executable and the tests): an error is one line on `err`
 * prefixed `vmbrl-dataset:` (files already reported line by line above it), and the exit code
 * is core's convention: 2 for usage errors, 1 for bad files.
 */
export function runCli(argv: readonly string[], io: CliIo): number {
  try {
    return runCommand(argv, io);
  } catch (error) {
    io.err(`vmbrl-dataset: ${(error as Error).message}`);
    return exitCodeOf(error);
  }
}
