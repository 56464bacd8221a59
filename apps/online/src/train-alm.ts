/**
 * `vmbrl-online --agent alm --task half-cheetah --preset quick --seed 0 --out runs/x`: ALM
 * (and `--agent alm-model-free`) on state-based tasks with `runAlm`, which resumes an existing
 * `--out`. Ablations: `--no-kl`, `--no-value`, `--no-classifier-reward`, `--horizon 1|3|5`.
 */
import {
  type AlmAgentKind,
  type AlmRunOverrides,
  type AlmRunPresetName,
  checkAlmRunConfig,
  resolveAlmRunConfig,
  runAlm,
  validateAlmRunConfig,
} from '@vmbrl/agents';
import { listTasks } from '@vmbrl/envs';
import { resolveWithSets } from './config-set.js';
import { type FlagSpec, UsageError, helpText, parseFlags } from './flags.js';
import { SESSION_FLAGS, runSession } from './run-session.js';

/** The agents this command runs. */
export const ALM_AGENTS = ['alm', 'alm-model-free'] as const;

/** Flags of the ALM training command. */
export const ALM_FLAGS: Record<string, FlagSpec> = {
  agent: { type: 'enum', doc: 'ALM or its model-free variant', choices: ALM_AGENTS },
  task: { type: 'enum', doc: 'state-based task', choices: listTasks(), default: 'half-cheetah' },
  preset: {
    type: 'enum',
    doc: 'paper (Table 3), quick (one CPU core, ~1 h), debug (seconds)',
    choices: ['paper', 'quick', 'debug'],
    default: 'quick',
  },
  seed: { type: 'int', doc: 'run seed', default: 0, min: 0, max: 2 ** 32 - 1 },
  out: { type: 'string', doc: 'run directory (default runs/<agent>-<task>-<preset>-seed<seed>)' },
  'model-free': { type: 'boolean', doc: 'same as --agent alm-model-free', default: false },
  'no-kl': { type: 'boolean', doc: 'ablation: drop the KL term of eq. 7', default: false },
  'no-value': {
    type: 'boolean',
    doc: 'ablation: drop the value term gamma^K Q (eq. 7, 8)',
    default: false,
  },
  'no-classifier-reward': {
    type: 'boolean',
    doc: 'ablation: drop the classifier reward of eq. 8',
    default: false,
  },
  horizon: {
    type: 'enum',
    doc: 'rollout length K of eq. 7 and 8 (paper: 3)',
    choices: ['1', '3', '5'],
  },
  set: {
    type: 'string',
    doc: 'override any config field: PATH=VALUE, e.g. learner.batchSize=256 (repeatable)',
    repeatable: true,
  },
  ...SESSION_FLAGS,
};

const USAGE =
  'usage: vmbrl-online --agent alm|alm-model-free [--task T] [--preset P] [--seed N] [--out DIR] [--no-kl] [--no-value] [--no-classifier-reward] [--horizon K] [flags]';

/** True when `argv` asks for an ALM agent (`--agent alm`, `--agent=alm-model-free`, ...). */
export function isAlmCommand(argv: readonly string[]): boolean {
  return argv.some((token, i) => {
    const value =
      token === '--agent' ? argv[i + 1] : token.startsWith('--agent=') ? token.slice(8) : undefined;
    return value !== undefined && (ALM_AGENTS as readonly string[]).includes(value);
  });
}

/** Runs the ALM training command; returns the exit code. */
export async function trainAlm(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(helpText(USAGE, ALM_FLAGS));
    return 0;
  }
  const flags = parseFlags(argv, ALM_FLAGS);
  const agent: AlmAgentKind = flags['model-free']
    ? 'alm-model-free'
    : (flags.agent as AlmAgentKind);
  const preset = flags.preset as AlmRunPresetName;
  const task = flags.task as string;
  const seed = flags.seed as number;
  const learner: NonNullable<AlmRunOverrides['learner']> = {};
  if (flags['no-kl']) learner.klTerm = false;
  if (flags['no-value']) learner.valueTerm = false;
  if (flags['no-classifier-reward']) learner.classifierReward = false;
  if (flags.horizon !== undefined) learner.horizon = Number(flags.horizon);
  if (agent === 'alm-model-free' && Object.keys(learner).length > 0) {
    throw new UsageError(
      '--no-kl, --no-value, --no-classifier-reward and --horizon are ablations of --agent alm; the model-free variant has no model',
    );
  }
  const overrides: AlmRunOverrides = { learner };
  if (flags['max-env-steps'] !== undefined)
    overrides.maxEnvSteps = flags['max-env-steps'] as number;
  if (flags['max-episodes'] !== undefined) overrides.maxEpisodes = flags['max-episodes'] as number;
  const config = resolveWithSets(
    () => resolveAlmRunConfig(preset, agent, task, seed, overrides),
    flags.set as string[],
    validateAlmRunConfig,
  );
  return runSession({
    agent,
    task,
    preset,
    seed,
    flags,
    maxEpisodes: config.maxEpisodes,
    checkConfig: (out, force) => checkAlmRunConfig(out, config, force),
    run: (hooks) => runAlm({ ...hooks, config }),
  });
}
