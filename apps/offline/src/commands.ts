/**
 * The commands of `vmbrl-offline`, each a table of flags and a thin call into
 * `@vmbrl/agents`' offline module (or `@vmbrl/replay` for splits).
 */
import { join } from 'node:path';
import {
  AGENT_KINDS,
  type AgentKind,
  type CollectSource,
  EVALUATION_FILE,
  OFFLINE_DEFAULTS,
  OFFLINE_DOCS,
  collectDataset,
  evaluateOffline,
  offlineReport,
  trainOffline,
} from '@vmbrl/agents';
import {
  type FlagSpec,
  type FlagValues,
  type PresetName,
  UsageError,
  documentedFields,
} from '@vmbrl/core';
import { listTasks } from '@vmbrl/envs';
import { aggregateDatasets, optimismSplit, randomSplit } from '@vmbrl/replay';
import type { BackendName } from '@vmbrl/tensor';
import { STUDY_DESIGNS } from '@vmbrl/world-models';

/** One subcommand: usage line, flags, positionals, and what it runs. */
export interface Command {
  usage: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  positionals?: { min: number; max: number; what: string };
  /** Extra help lines after the flags. */
  notes?: () => string[];
  run(flags: FlagValues, positionals: string[]): Promise<number>;
}

const PRESETS = ['paper', 'quick', 'debug'];
const BACKEND: FlagSpec = {
  type: 'enum',
  doc: 'tensor backend (default: fastest available)',
  choices: ['tensorflow', 'wasm', 'cpu'],
};

function required(flags: FlagValues, name: string, what: string): string {
  const value = flags[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`--${name} is required: ${what}`);
  }
  return value;
}

/** `--run NAME=RUN_DIR:EPISODES` of collect. */
export function parseRunSource(text: string, noise: boolean): CollectSource {
  const match = /^([^=]+)=(.+):(\d+)$/.exec(text);
  if (!match) {
    throw new UsageError(
      `--run '${text}' is not allowed; write --run NAME=RUN_DIR:EPISODES, e.g. --run planet0=runs/planet-seed0:10`,
    );
  }
  return {
    kind: 'run',
    name: match[1].trim(),
    runDir: match[2],
    episodes: Number(match[3]),
    noise,
  };
}

const collect: Command = {
  usage:
    'usage: vmbrl-offline collect --dataset DIR --task T [--random N] [--oracle N] [--run NAME=RUN_DIR:N ...] [flags]',
  summary: 'write episodes of random actions, the CEM oracle and trained runs into a dataset',
  flags: {
    dataset: {
      type: 'string',
      doc: 'dataset directory (created, or resumed: each source tops up)',
    },
    task: { type: 'enum', doc: 'control task', choices: listTasks() },
    'action-repeat': {
      type: 'int',
      doc: 'control steps per agent step (the study: 4 on every task)',
      default: 4,
      min: 1,
    },
    'episode-steps': {
      type: 'int',
      doc: "agent steps per episode (default: the task's 1000 control steps / action repeat)",
      min: 1,
    },
    seed: { type: 'int', doc: 'seed of reset states and random actions', default: 0, min: 0 },
    random: { type: 'int', doc: 'episodes of uniform random actions (source "random")', min: 0 },
    oracle: { type: 'int', doc: 'episodes of the CEM oracle (source "oracle")', min: 0 },
    'oracle-preset': {
      type: 'enum',
      doc: "the oracle's planner sizes (vmbrl-online presets --agent cem-oracle)",
      choices: PRESETS,
      default: 'quick',
    },
    run: {
      type: 'string',
      doc: "NAME=RUN_DIR:EPISODES episodes of a run's last checkpoint (repeatable)",
      repeatable: true,
    },
    'run-noise': {
      type: 'boolean',
      doc: 'runs act with their training exploration noise (as their training episodes did)',
      default: true,
    },
    backend: BACKEND,
  },
  async run(flags) {
    const dataset = required(flags, 'dataset', 'the dataset directory to write');
    const task = required(flags, 'task', `the control task, one of ${listTasks().join(', ')}`);
    const sources: CollectSource[] = [];
    if (flags.random !== undefined) {
      sources.push({ kind: 'random', name: 'random', episodes: flags.random as number });
    }
    if (flags.oracle !== undefined) {
      sources.push({
        kind: 'oracle',
        name: 'oracle',
        episodes: flags.oracle as number,
        preset: flags['oracle-preset'] as PresetName,
      });
    }
    for (const text of flags.run as string[]) {
      sources.push(parseRunSource(text, flags['run-noise'] as boolean));
    }
    if (sources.length === 0) {
      throw new UsageError('collect needs at least one source: --random N, --oracle N or --run');
    }
    const report = await collectDataset({
      dataset,
      task,
      actionRepeat: flags['action-repeat'] as number,
      episodeSteps: (flags['episode-steps'] as number | undefined) ?? null,
      seed: flags.seed as number,
      sources,
      backend: flags.backend as BackendName | undefined,
      onEpisode: (source, entry) =>
        console.log(`${source.padEnd(12)} ${entry.file}  return ${entry.return.toFixed(1)}`),
    });
    const counts = Object.entries(report.counts).map(
      ([name, n]) => `${name} ${n} (${report.written[name]} new)`,
    );
    console.log(`dataset      ${dataset}: ${counts.join(', ')}`);
    return 0;
  },
};

const aggregate: Command = {
  usage: 'usage: vmbrl-offline aggregate --dataset OUT DATASET... [--link]',
  summary: 'merge datasets of one task and action repeat into one (the paper pools all runs)',
  flags: {
    dataset: { type: 'string', doc: 'the dataset to create or add to' },
    link: { type: 'boolean', doc: 'hard-link episode files instead of copying', default: false },
  },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY, what: 'datasets to merge' },
  async run(flags, dirs) {
    const out = required(flags, 'dataset', 'the dataset to create or add to');
    // Mixed tasks or action repeats are a DatasetUsageError naming both datasets: exit 2.
    const report = aggregateDatasets(out, dirs, { link: flags.link as boolean });
    const sources = Object.entries(report.sources).map(([k, v]) => `${k} ${v.episodes}`);
    console.log(
      `aggregated   ${dirs.length} into ${out}: ${report.added} added, ${report.duplicates} already there; sources: ${sources.join(', ')}`,
    );
    return 0;
  },
};

const split: Command = {
  usage:
    'usage: vmbrl-offline split --dataset DIR [--method random --seed S --test-fraction F | --method optimism (--threshold R | --quantile Q)] [--force]',
  summary:
    "record a train/test split in the dataset's manifest (random or the paper's optimism split)",
  flags: {
    dataset: { type: 'string', doc: 'dataset directory' },
    method: {
      type: 'enum',
      doc: 'random: by a seed; optimism: low-return train, high-return test (appendix A.2)',
      choices: ['random', 'optimism'],
      default: 'random',
    },
    seed: { type: 'int', doc: 'random: shuffle seed', default: 0, min: 0 },
    'test-fraction': {
      type: 'float',
      doc: 'random: fraction of episodes in test (the paper: about 0.09)',
      default: 0.1,
      min: 0,
      max: 1,
    },
    threshold: { type: 'float', doc: 'optimism: episodes with return >= this go to test' },
    quantile: { type: 'float', doc: 'optimism: the threshold is this quantile of the returns' },
    force: { type: 'boolean', doc: 'replace an existing split', default: false },
  },
  async run(flags) {
    const dataset = required(flags, 'dataset', 'the dataset directory to split');
    const force = flags.force as boolean;
    const record =
      flags.method === 'random'
        ? randomSplit(dataset, {
            seed: flags.seed as number,
            testFraction: flags['test-fraction'] as number,
            force,
          })
        : optimismSplit(dataset, {
            threshold: flags.threshold as number | undefined,
            quantile: flags.quantile as number | undefined,
            force,
          });
    console.log(
      `split        ${dataset}: ${record.train} train, ${record.test} test (${record.method})`,
    );
    return 0;
  },
};

/** `--setting FIELD=VALUE` of train: a number (or null) for a field of the offline settings. */
export function parseSettings(texts: readonly string[]): Record<string, number | null> {
  const settings: Record<string, number | null> = {};
  for (const text of texts) {
    const eq = text.indexOf('=');
    const field = text.slice(0, eq).trim();
    const raw = text.slice(eq + 1).trim();
    if (eq < 0 || !(field in OFFLINE_DEFAULTS)) {
      throw new UsageError(
        `--setting '${text}' is not allowed; write FIELD=VALUE with FIELD one of ${Object.keys(OFFLINE_DEFAULTS).join(', ')}`,
      );
    }
    const value = raw === 'null' ? null : raw === '' ? Number.NaN : Number(raw);
    if (value !== null && !Number.isFinite(value)) {
      throw new UsageError(`--setting ${field}: '${raw}' is not a number (or null)`);
    }
    settings[field] = value;
  }
  return settings;
}

const train: Command = {
  usage:
    'usage: vmbrl-offline train (--design R|OTOR|OTLR|LTLR|LTOR | --agent planet|dreamer) --dataset DIR --out RUN [flags]',
  summary: "train a design on the dataset's train split into a resumable run directory",
  flags: {
    design: {
      type: 'enum',
      doc: "the study's design of Table 4 (agent study)",
      choices: STUDY_DESIGNS,
    },
    agent: {
      type: 'enum',
      doc: 'another agent to train offline instead of a design (its world model)',
      choices: AGENT_KINDS,
    },
    dataset: { type: 'string', doc: 'a split dataset directory' },
    out: { type: 'string', doc: 'run directory (resumed when it exists)' },
    preset: {
      type: 'enum',
      doc: "the design's preset (model and planner sizes) and the offline settings' preset",
      choices: PRESETS,
      default: 'quick',
    },
    seed: { type: 'int', doc: 'run seed', default: 0, min: 0, max: 2 ** 32 - 1 },
    updates: { type: 'int', doc: "updates in all (default: the preset's)", min: 1 },
    'eval-episodes': {
      type: 'int',
      doc: "episodes `evaluate` plays (default: the preset's)",
      min: 1,
    },
    'episode-steps': {
      type: 'int',
      doc: "agent steps per evaluation episode (default: the preset's)",
      min: 1,
    },
    setting: {
      type: 'string',
      doc: 'override an offline setting, FIELD=VALUE (fields below; repeatable), e.g. predictionWindows=64',
      repeatable: true,
    },
    backend: BACKEND,
  },
  notes: () => [
    '',
    'offline settings (their values per preset are in @vmbrl/agents offline/config.ts):',
    ...documentedFields(OFFLINE_DOCS).map((f) => `  ${f.path.padEnd(18)}  ${f.doc}`),
  ],
  async run(flags) {
    const design = flags.design as string | undefined;
    const agent = flags.agent as AgentKind | undefined;
    if ((design === undefined) === (agent === undefined)) {
      throw new UsageError(
        `train needs exactly one of --design (${STUDY_DESIGNS.join(', ')}) and --agent`,
      );
    }
    const settings = parseSettings(flags.setting as string[]);
    if (flags.updates !== undefined) settings.updates = flags.updates as number;
    if (flags['eval-episodes'] !== undefined)
      settings.evalEpisodes = flags['eval-episodes'] as number;
    if (flags['episode-steps'] !== undefined) {
      settings.evalEpisodeSteps = flags['episode-steps'] as number;
    }
    const started = performance.now();
    const run = await trainOffline({
      out: required(flags, 'out', 'the run directory'),
      dataset: required(flags, 'dataset', 'a split dataset directory'),
      agent: design === undefined ? (agent as AgentKind) : ('study' as AgentKind),
      overrides: design === undefined ? {} : ({ design } as never),
      preset: flags.preset as PresetName,
      seed: flags.seed as number,
      settings,
      backend: flags.backend as BackendName | undefined,
      onUpdate: (update, values) => {
        if (update % 25 === 0) {
          const shown = Object.entries(values).map(([k, v]) => `${k} ${v.toFixed(4)}`);
          console.error(`update ${update}  ${shown.join('  ')}`);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `trained      ${run.out}: ${run.record.settings.updates} updates on ${run.record.dataset.path} (${seconds.toFixed(1)} s)`,
    );
    return 0;
  },
};

const evaluate: Command = {
  usage: 'usage: vmbrl-offline evaluate --out RUN [--episodes N]',
  summary: 'score a run: p90 of real returns, reward and image errors on the test split',
  flags: {
    out: { type: 'string', doc: 'an offline run directory' },
    episodes: { type: 'int', doc: "episodes in the real environment (default: the run's)", min: 1 },
    backend: BACKEND,
  },
  async run(flags) {
    const result = await evaluateOffline({
      out: required(flags, 'out', 'the offline run directory to score'),
      episodes: flags.episodes as number | undefined,
      backend: flags.backend as BackendName | undefined,
      onEpisode: (k, value) => console.log(`episode ${k + 1}  return ${value.toFixed(1)}`),
    });
    const s = result.score;
    console.log(
      `score        p90 ${s.p90.toFixed(1)}, mean ${s.mean.toFixed(1)} ± ${s.std.toFixed(1)} over ${s.episodes} episodes (${result.task}, ${result.design}, ${result.updates} updates)`,
    );
    if (result.rewardError) {
      const image = result.imageError
        ? `, image error median ${result.imageError.median.toFixed(5)}`
        : '';
      console.log(
        `prediction   reward error median ${result.rewardError.median.toFixed(4)} (mean ${result.rewardError.mean.toFixed(4)}) over ${result.rewardError.windows} test windows${image}`,
      );
    } else {
      console.log(`prediction   none: ${result.noPrediction}`);
    }
    console.log(`written      ${join(flags.out as string, EVALUATION_FILE)}`);
    return 0;
  },
};

const report: Command = {
  usage: 'usage: vmbrl-offline report --out DIR RUN...',
  summary: "Tables 1-2 with the Pearson row beside the paper's numbers, and reward heat maps",
  flags: {
    out: { type: 'string', doc: 'directory for table.md, table.csv and heatmap-<task>.svg/png' },
    png: { type: 'boolean', doc: 'heat maps as PNG too (--png=false for SVG only)', default: true },
  },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY, what: 'evaluated run directories' },
  async run(flags, runs) {
    const result = await offlineReport({
      runs,
      out: required(flags, 'out', 'the directory for the tables and heat maps'),
      png: flags.png as boolean,
    });
    console.log(result.markdown);
    for (const file of result.files) console.log(`written      ${file}`);
    return 0;
  },
};

/** Every command by name, in the order `--help` lists them. */
export const COMMANDS: Record<string, Command> = {
  collect,
  aggregate,
  split,
  train,
  evaluate,
  report,
};
