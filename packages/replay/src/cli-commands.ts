/**
 * `vmbrl-dataset`: thin wrappers over the dataset modules. Exit codes: 0 done; 2 a usage error
 * (bad flag or value, a directory that is not a dataset, datasets that cannot be merged, nothing
 * to split); 1 a bad file (a corrupt or unreadable episode, a checksum mismatch), named by path.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ValidationError, validator, versionText, wantsVersion } from '@vmbrl/core';
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

class UsageError extends Error {}
/** A failure already reported line by line: exit 1 with this summary. */
class FileProblems extends Error {}

type Values = Record<string, string | boolean | undefined>;

interface Command {
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  positionals: [min: number, max: number];
  run(values: Values, positionals: string[], io: CliIo): void;
}

const text = (name: string, values: Values) => values[name] as string | undefined;

/** A number flag: finite, within range; names the flag and the text given. */
function numberFlag(command: string, name: string, given: string, range = {}): number {
  const check = validator(`vmbrl-dataset ${command}`);
  const value = given.trim() === '' ? Number.NaN : Number(given);
  if (!Number.isFinite(value)) check.fail(`--${name}`, given, 'a number');
  return check.number(`--${name}`, value, range);
}

function integerFlag(command: string, name: string, given: string, min: number): number {
  const check = validator(`vmbrl-dataset ${command}`);
  if (!/^-?\d+$/.test(given.trim())) check.fail(`--${name}`, given, `an integer >= ${min}`);
  return check.integer(`--${name}`, Number(given), min);
}

function required(command: string, name: string, values: Values): string {
  const value = text(name, values);
  if (value === undefined) throw new UsageError(`vmbrl-dataset ${command}: --${name} is required`);
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
    options: { json: { type: 'boolean' }, quick: { type: 'boolean' } },
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
    options: { out: { type: 'string' }, link: { type: 'boolean' } },
    positionals: [1, Number.POSITIVE_INFINITY],
    run(values, dirs, io) {
      const out = required('aggregate', 'out', values);
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
    options: {
      'test-fraction': { type: 'string', default: '0.1' },
      seed: { type: 'string', default: '0' },
      force: { type: 'boolean' },
    },
    positionals: [1, 1],
    run(values, [dir], io) {
      const testFraction = numberFlag('split', 'test-fraction', text('test-fraction', values)!, {
        min: 0,
        max: 1,
        minOpen: true,
        maxOpen: true,
      });
      const seed = integerFlag('split', 'seed', text('seed', values)!, 0);
      const split = randomSplit(dir, { seed, testFraction, force: values.force === true });
      io.out(`split ${dir}: ${split.train} train, ${split.test} test (${describeSplit(split)})`);
    },
  },
  optimism: {
    usage: 'optimism <dataset> (--threshold <return> | --quantile <q>) [--force]',
    summary: "the paper's optimism split: low-return episodes train, high-return test",
    options: {
      threshold: { type: 'string' },
      quantile: { type: 'string' },
      force: { type: 'boolean' },
    },
    positionals: [1, 1],
    run(values, [dir], io) {
      const threshold = text('threshold', values);
      const quantile = text('quantile', values);
      if ((threshold === undefined) === (quantile === undefined)) {
        throw new UsageError(
          'vmbrl-dataset optimism: give exactly one of --threshold and --quantile',
        );
      }
      const split = optimismSplit(dir, {
        threshold:
          threshold === undefined ? undefined : numberFlag('optimism', 'threshold', threshold),
        quantile:
          quantile === undefined
            ? undefined
            : numberFlag('optimism', 'quantile', quantile, {
                min: 0,
                max: 1,
                minOpen: true,
                maxOpen: true,
              }),
        force: values.force === true,
      });
      io.out(`split ${dir}: ${split.train} train, ${split.test} test (${describeSplit(split)})`);
    },
  },
  verify: {
    usage: 'verify <dataset>',
    summary: "check every file against the manifest's sha256, length and return",
    options: {},
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
    options: {
      out: { type: 'string' },
      task: { type: 'string' },
      'action-repeat': { type: 'string' },
      source: { type: 'string', default: 'dreamerv3' },
      'image-key': { type: 'string' },
    },
    positionals: [1, Number.POSITIVE_INFINITY],
    run(values, inputs, io) {
      const out = required('import-dreamerv3', 'out', values);
      const task = required('import-dreamerv3', 'task', values);
      const repeat = required('import-dreamerv3', 'action-repeat', values);
      const actionRepeat = integerFlag('import-dreamerv3', 'action-repeat', repeat, 1);
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
    options: { out: { type: 'string' }, split: { type: 'string' }, float16: { type: 'boolean' } },
    positionals: [1, 1],
    run(values, [dir], io) {
      const out = required('export-dreamerv3', 'out', values);
      const splitText = text('split', values);
      const split =
        splitText === undefined
          ? undefined
          : validator('vmbrl-dataset export-dreamerv3').oneOf<SplitName>(
              '--split',
              splitText,
              SPLIT_NAMES,
            );
      const report = exportDreamerV3(dir, out, { split, float16: values.float16 === true });
      io.out(
        `exported ${report.files.length} episodes of ${dir}${split ? ` (${split} split)` : ''} to ${out} as DreamerV3 chunks (${values.float16 ? 'float16' : 'float32'})`,
      );
    },
  },
};

const HELP = [
  'usage: vmbrl-dataset <command> [options]   (vmbrl-dataset <command> --help for one command; --version)',
  '',
  ...Object.values(COMMANDS).flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
  '',
  'exit codes: 0 done, 1 a bad file (named by path), 2 a usage error',
];

function parse(command: string, spec: Command, argv: readonly string[]) {
  const allowed = Object.keys(spec.options).map((o) => `--${o}`);
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Values, positionals };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const flag = /'([^']+)'/.exec((error as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(
        `vmbrl-dataset ${command}: unknown option ${flag} (allowed: ${allowed.length ? allowed.join(', ') : 'none'})`,
      );
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      // node's text spans lines; keep one line naming the flag and the way to write it.
      const name = flag?.split(' ')[0];
      const boolean = spec.options[name?.slice(2) ?? '']?.type === 'boolean';
      throw new UsageError(
        boolean
          ? `vmbrl-dataset ${command}: ${name} takes no value`
          : `vmbrl-dataset ${command}: ${name} needs a value (one starting with - is written ${name}=<value>)`,
      );
    }
    throw error;
  }
}

/** Runs the CLI; returns the exit code. */
export function runCli(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  if (wantsVersion(argv)) {
    io.out(versionText('vmbrl-dataset', import.meta.url));
    return 0;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    HELP.forEach((line) => io.out(line));
    return 0;
  }
  try {
    if (command === undefined) throw new UsageError(HELP[0]);
    const spec = COMMANDS[command];
    if (!spec) {
      throw new UsageError(
        `vmbrl-dataset: unknown command '${command}' (allowed: ${Object.keys(COMMANDS).join(', ')})`,
      );
    }
    const { values, positionals } = parse(command, spec, rest);
    if (values.help) {
      io.out(`usage: vmbrl-dataset ${spec.usage}`);
      io.out(`  ${spec.summary}`);
      return 0;
    }
    const [min, max] = spec.positionals;
    if (positionals.length < min || positionals.length > max) {
      throw new UsageError(
        `vmbrl-dataset ${command}: expected ${min === max ? min : `at least ${min}`} argument${max === 1 ? '' : 's'}, got ${positionals.length} (usage: vmbrl-dataset ${spec.usage})`,
      );
    }
    spec.run(values, positionals, io);
    return 0;
  } catch (error) {
    io.err((error as Error).message);
    const usage =
      error instanceof UsageError ||
      error instanceof ValidationError ||
      error instanceof DatasetUsageError;
    return usage ? 2 : 1;
  }
}
