/**
 * `vmbrl-online --agent planet --task cartpole-swingup --preset quick --seed 0 --out runs/x`:
 * builds the run config of any agent from its preset, the shortcut flags and `--set`, validates
 * all of it, runs `runOnline` (which resumes an existing `--out`), shows progress on stderr and
 * prints where the report is. Ctrl-C stops at the last checkpoint.
 */
import {
  AGENT_KINDS,
  type AgentKind,
  type RunConfig,
  STUDY_AGENT_DESIGNS,
  checkRunConfig,
  definitionOf,
  presetsOf,
  resolveRunConfig,
  runOnline,
  validateRunConfig,
} from '@vmbrl/agents';
import {
  type FlagSpec,
  type Overlay,
  type PresetName,
  UsageError,
  documentedFields,
  helpText,
  parseFlags,
} from '@vmbrl/core';
import { listTasks } from '@vmbrl/envs';
import { resolveWithSets } from './config-set.js';
import { SESSION_FLAGS, runSession } from './run-session.js';

/** Flags of the training command. */
export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  agent: { type: 'enum', doc: 'who acts', choices: AGENT_KINDS, default: 'planet' },
  task: {
    type: 'enum',
    doc: 'control task (default cartpole-swingup; half-cheetah for the ALM agents)',
    choices: listTasks(),
  },
  preset: {
    type: 'enum',
    doc: "the agent's preset (`vmbrl-online presets --agent A` lists them)",
    choices: ['paper', 'quick', 'debug'],
    default: 'quick',
  },
  seed: { type: 'int', doc: 'run seed', default: 0, min: 0, max: 2 ** 32 - 1 },
  out: { type: 'string', doc: 'run directory (default runs/<agent>-<task>-<preset>-seed<seed>)' },
  design: {
    type: 'enum',
    doc: 'study: the world-model design of Table 4 (default LTLR)',
    choices: STUDY_AGENT_DESIGNS,
  },
  candidates: { type: 'int', doc: 'planet, cem-oracle: CEM candidates J (K = J / 10)', min: 1 },
  workers: { type: 'int', doc: 'cem-oracle: simulator worker threads (0 = main thread)', min: 0 },
  'value-estimate': {
    type: 'enum',
    doc: 'dreamer: what the actor maximises (reward = no value model)',
    choices: ['lambda', 'reward', 'n-step'],
  },
  horizon: {
    type: 'int',
    doc: 'dreamer: imagination horizon H; alm: rollout length K of ALM eq. 7 and 8',
    min: 1,
  },
  'no-kl': { type: 'boolean', doc: 'alm: drop the KL term of ALM eq. 7', default: false },
  'no-value': {
    type: 'boolean',
    doc: 'alm: drop the value term gamma^K Q of ALM eq. 7 and 8',
    default: false,
  },
  'no-classifier-reward': {
    type: 'boolean',
    doc: 'alm: drop the classifier reward of ALM eq. 8',
    default: false,
  },
  set: {
    type: 'string',
    doc: 'override any config field: PATH=VALUE, e.g. dreamer.actorLr=8e-5 (repeatable)',
    repeatable: true,
  },
  ...SESSION_FLAGS,
};

/** Usage line of the training command. */
export const TRAIN_USAGE = `usage: vmbrl-online [--agent ${AGENT_KINDS.join('|')}] [--task T] [--preset paper|quick|debug] [--seed N] [--out DIR] [flags]
       vmbrl-online presets [--agent A] (presets --help)
       vmbrl-online compare --group "LABEL=RUN_DIR,..." [--group ...] --out BASE (compare --help)
       vmbrl-online evaluate --out RUN_DIR [--episodes 10] [--policy agent|agent-noise|random] (evaluate --help)
       vmbrl-online doctor RUN_DIR [--repair] (doctor --help)
       vmbrl-online selfcheck (selfcheck --help)`;

/** Which agents each shortcut flag applies to. */
const FLAG_AGENTS: Record<string, readonly AgentKind[]> = {
  design: ['study'],
  candidates: ['planet', 'cem-oracle'],
  workers: ['cem-oracle'],
  'value-estimate': ['dreamer'],
  horizon: ['dreamer', 'alm', 'alm-model-free'],
  'no-kl': ['alm'],
  'no-value': ['alm'],
  'no-classifier-reward': ['alm'],
};

/** The value of `--name V` or `--name=V` in `argv` (undefined when absent). */
function flagValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.findIndex((t) => t === `--${name}` || t.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(name.length + 3) : argv[i + 1];
}

/** `--help` of the training command: flags, then every config field of `--agent` (`--design`). */
export function trainHelp(argv: readonly string[]): string {
  const value = flagValue(argv, 'agent') ?? 'planet';
  const agent = (AGENT_KINDS as readonly string[]).includes(value) ? value : 'planet';
  const design = flagValue(argv, 'design');
  const known =
    agent === 'study' && (STUDY_AGENT_DESIGNS as readonly string[]).includes(design ?? '');
  const fields = documentedFields(presetsOf(agent as string, known ? design : undefined).docs);
  const width = Math.max(...fields.map((f) => f.path.length));
  return [
    helpText(TRAIN_USAGE, TRAIN_FLAGS),
    '',
    `config fields of --agent ${agent} (--set PATH=VALUE; values per preset: vmbrl-online presets --agent ${agent}):`,
    ...fields.map((f) => `  ${f.path.padEnd(width)}  ${f.doc}`),
  ].join('\n');
}

/** The task when `--task` is not given: cartpole-swingup, or half-cheetah for state-based agents. */
export function defaultTask(agent: AgentKind): string {
  return definitionOf(agent).observation === 'state' ? 'half-cheetah' : 'cartpole-swingup';
}

/** The overrides the shortcut flags ask for (after checking they apply to `agent`). */
function shortcutOverrides(agent: AgentKind, flags: Record<string, unknown>): Overlay<RunConfig> {
  for (const [flag, agents] of Object.entries(FLAG_AGENTS)) {
    const given = flags[flag] !== undefined && flags[flag] !== false;
    if (given && !agents.includes(agent)) {
      throw new UsageError(`--${flag} is a flag of --agent ${agents.join('|')}, not of ${agent}`);
    }
  }
  const overrides: Record<string, unknown> = {};
  if (flags['max-episodes'] !== undefined) overrides.maxEpisodes = flags['max-episodes'];
  if (flags['max-env-steps'] !== undefined) overrides.maxEnvSteps = flags['max-env-steps'];
  if (flags.design !== undefined) overrides.design = flags.design;
  if (flags.workers !== undefined) overrides.oracleWorkers = flags.workers;
  if (flags.candidates !== undefined) {
    const candidates = flags.candidates as number;
    // Keep the presets' elite fraction (PlaNet: K = J / 10).
    overrides.planner = { candidates, topK: Math.max(1, Math.round(candidates / 10)) };
  }
  if (agent === 'dreamer') {
    const dreamer: Record<string, unknown> = {};
    if (flags['value-estimate'] !== undefined) dreamer.valueEstimate = flags['value-estimate'];
    if (flags.horizon !== undefined) dreamer.horizon = flags.horizon;
    overrides.dreamer = dreamer;
  }
  if (agent === 'alm' || agent === 'alm-model-free') {
    const learner: Record<string, unknown> = {};
    if (flags['no-kl']) learner.klTerm = false;
    if (flags['no-value']) learner.valueTerm = false;
    if (flags['no-classifier-reward']) learner.classifierReward = false;
    if (flags.horizon !== undefined) learner.horizon = flags.horizon;
    overrides.learner = learner;
  }
  return overrides as Overlay<RunConfig>;
}

/** Runs the training command; returns the exit code. */
export async function train(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, TRAIN_FLAGS);
  const agent = flags.agent as AgentKind;
  const preset = flags.preset as PresetName;
  const task = (flags.task as string | undefined) ?? defaultTask(agent);
  const seed = flags.seed as number;
  const overrides = shortcutOverrides(agent, flags);
  const config = resolveWithSets(
    () => resolveRunConfig(agent, preset, task, seed, overrides),
    flags.set as string[],
    validateRunConfig,
  );
  return runSession({
    // The study's designs get their own default run directories (runs/study-OTOR-...).
    agent: config.agent === 'study' ? `study-${config.design}` : agent,
    task,
    preset,
    seed,
    flags,
    maxEpisodes: config.maxEpisodes,
    checkConfig: (out, force) => checkRunConfig(out, config, force),
    run: (hooks) => runOnline({ ...hooks, config }),
  });
}
