/**
 * `vmbrl-online --agent planet --task cartpole-swingup --preset quick --seed 0 --out runs/x`:
 * builds the config from flags, runs `runOnline` (which resumes an existing `--out`), shows
 * progress on stderr and prints where the report is. Ctrl-C stops at the last checkpoint.
 */
import {
  type AgentKind,
  type DreamerValueEstimate,
  type OnlineOverrides,
  type OnlinePresetName,
  checkRunConfig,
  resolveOnlineConfig,
  runOnline,
  validateOnlineConfig,
} from '@vmbrl/agents';
import { listTasks } from '@vmbrl/envs';
import { resolveWithSets } from './config-set.js';
import { type FlagSpec, UsageError, parseFlags } from './flags.js';
import { SESSION_FLAGS, runSession } from './run-session.js';

/** Flags of the training command. */
export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  agent: {
    type: 'enum',
    doc: 'who acts',
    choices: ['planet', 'cem-oracle', 'dreamer'],
    default: 'planet',
  },
  task: { type: 'enum', doc: 'control task', choices: listTasks(), default: 'cartpole-swingup' },
  preset: {
    type: 'enum',
    doc: 'config preset (default: quick for planet and dreamer, cem-oracle for cem-oracle)',
    choices: ['paper', 'quick', 'debug', 'cem-oracle'],
  },
  seed: { type: 'int', doc: 'run seed', default: 0, min: 0, max: 2 ** 32 - 1 },
  out: { type: 'string', doc: 'run directory (default runs/<agent>-<task>-<preset>-seed<seed>)' },
  candidates: { type: 'int', doc: 'CEM candidates J (overrides the preset)', min: 1 },
  workers: { type: 'int', doc: 'cem-oracle: simulator worker threads (0 = main thread)', min: 0 },
  'value-estimate': {
    type: 'enum',
    doc: 'dreamer: what the actor maximises (reward-sum = no value model)',
    choices: ['lambda', 'reward-sum', 'n-step'],
  },
  horizon: { type: 'int', doc: 'dreamer: imagination horizon H (overrides the preset)', min: 1 },
  set: {
    type: 'string',
    doc: 'override any config field: PATH=VALUE, e.g. dreamer.actorLr=8e-5 (repeatable)',
    repeatable: true,
  },
  ...SESSION_FLAGS,
};

/** Runs the training command; returns the exit code. */
export async function train(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, TRAIN_FLAGS);
  const agent = flags.agent as AgentKind;
  const preset =
    (flags.preset as OnlinePresetName | undefined) ??
    (agent === 'cem-oracle' ? 'cem-oracle' : 'quick');
  const task = flags.task as string;
  const seed = flags.seed as number;
  const overrides: OnlineOverrides = { agent };
  if (flags['max-episodes'] !== undefined) overrides.maxEpisodes = flags['max-episodes'] as number;
  if (flags['max-env-steps'] !== undefined)
    overrides.maxEnvSteps = flags['max-env-steps'] as number;
  if (flags.workers !== undefined) overrides.oracleWorkers = flags.workers as number;
  if (flags.candidates !== undefined) {
    const candidates = flags.candidates as number;
    // Keep the preset's elite fraction (PlaNet: K = J / 10).
    overrides.planner = { candidates, topK: Math.max(1, Math.round(candidates / 10)) };
  }
  if (flags['value-estimate'] !== undefined || flags.horizon !== undefined) {
    if (agent !== 'dreamer') {
      throw new UsageError('--value-estimate and --horizon are flags of --agent dreamer only');
    }
    overrides.dreamer = {};
    if (flags['value-estimate'] !== undefined) {
      overrides.dreamer.valueEstimate = flags['value-estimate'] as DreamerValueEstimate;
    }
    if (flags.horizon !== undefined) overrides.dreamer.horizon = flags.horizon as number;
  }
  const config = resolveWithSets(
    () => resolveOnlineConfig(preset, task, seed, overrides),
    flags.set as string[],
    validateOnlineConfig,
  );
  return runSession({
    agent,
    task,
    preset,
    seed,
    flags,
    maxEpisodes: config.maxEpisodes,
    checkConfig: (out, force) => checkRunConfig(out, config, force),
    run: (hooks) => runOnline({ ...hooks, config }),
  });
}
